// SPDX-License-Identifier: GPL-2.0
/* Trees of objects named by their first member; see name_tree.h. */
#include <errno.h>
#include <search.h>
#include <string.h>

#include "name_tree.h"

/* A key and an object both start with the name's characters. */
static int name_order(const void *a, const void *b)
{
	return strcmp(a, b);
}

void *name_tree_find(void *const *root, const char *name)
{
	void **node = tfind(name, root, name_order);

	return node ? *node : NULL;
}

int name_tree_add(void **root, void *obj)
{
	return tsearch(obj, root, name_order) ? 0 : -ENOMEM;
}

void name_tree_del(void **root, const char *name)
{
	tdelete(name, root, name_order);
}

static void leave_alone(void *obj)
{
	(void)obj;
}

void name_tree_clear(void **root)
{
	tdestroy(*root, leave_alone);
	*root = NULL;
}
