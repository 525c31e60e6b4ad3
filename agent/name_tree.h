/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Name indexes: tsearch(3) trees (glibc's red-black trees) of objects whose
 * first member is their name as a char array (peerings, registrations,
 * service prefixes, event rings), so an object is found by a plain string
 * in O(log n). The tree holds pointers only: objects are owned elsewhere.
 */
#ifndef PEEREDGE_NAME_TREE_H
#define PEEREDGE_NAME_TREE_H

/* The object named name, or NULL. */
void *name_tree_find(void *const *root, const char *name);
/* Adds obj (its name not yet in the tree): 0 or -ENOMEM. */
int name_tree_add(void **root, void *obj);
void name_tree_del(void **root, const char *name);
/* Empties the tree; the objects are left alone. */
void name_tree_clear(void **root);

#endif
