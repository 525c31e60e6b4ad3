// SPDX-License-Identifier: GPL-2.0
/* RPSL route-object reader and the (prefix, origin) hash set it fills. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "asn.h"
#include "registry.h"

/* One (prefix, origin) pair; family 0 marks an empty slot. */
struct route_entry {
	struct prefix pfx;
	uint32_t origin;
};

struct registry {
	struct route_entry *slots;
	size_t mask;		/* slot count - 1, a power of two minus one */
	unsigned long count;
};

#define REGISTRY_MIN_SLOTS 1024

struct registry *registry_new(void)
{
	struct registry *reg = calloc(1, sizeof(*reg));

	if (!reg)
		return NULL;
	reg->slots = calloc(REGISTRY_MIN_SLOTS, sizeof(*reg->slots));
	if (!reg->slots) {
		free(reg);
		return NULL;
	}
	reg->mask = REGISTRY_MIN_SLOTS - 1;
	return reg;
}

void registry_free(struct registry *reg)
{
	if (!reg)
		return;
	free(reg->slots);
	free(reg);
}

unsigned long registry_size(const struct registry *reg)
{
	return reg->count;
}

static uint64_t route_hash(const struct prefix *p, uint32_t origin)
{
	uint64_t hi, lo, h;

	memcpy(&hi, p->addr.bytes, 8);
	memcpy(&lo, p->addr.bytes + 8, 8);
	h = hi * 0x9e3779b97f4a7c15ull;
	h ^= lo + ((uint64_t)origin << 16) + ((uint64_t)p->len << 8) + p->family;
	/* splitmix64 finalizer: spreads every input bit over the slot index. */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	return h ^ (h >> 31);
}

/* The slot holding (p, origin), or the empty slot where it would go. */
static struct route_entry *route_slot(struct route_entry *slots, size_t mask,
				      const struct prefix *p, uint32_t origin)
{
	size_t i = route_hash(p, origin) & mask;

	while (slots[i].pfx.family &&
	       !(slots[i].origin == origin && prefix_equal(&slots[i].pfx, p)))
		i = (i + 1) & mask;
	return &slots[i];
}

static int registry_grow(struct registry *reg)
{
	size_t nslots = (reg->mask + 1) * 2;
	struct route_entry *slots = calloc(nslots, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i <= reg->mask; i++) {
		const struct route_entry *e = &reg->slots[i];

		if (e->pfx.family)
			*route_slot(slots, nslots - 1, &e->pfx, e->origin) = *e;
	}
	free(reg->slots);
	reg->slots = slots;
	reg->mask = nslots - 1;
	return 0;
}

static int registry_insert(struct registry *reg, const struct prefix *p, uint32_t origin)
{
	struct route_entry *e;

	/* Keep the load under 1/2 so probe chains stay short. */
	if ((reg->count + 1) * 2 > reg->mask + 1 && registry_grow(reg) < 0)
		return -ENOMEM;
	e = route_slot(reg->slots, reg->mask, p, origin);
	if (!e->pfx.family) {
		e->pfx = *p;
		e->origin = origin;
		reg->count++;
	}
	return 0;
}

/* p with every bit past len cleared. */
static struct prefix prefix_truncated(const struct prefix *p, unsigned int len)
{
	struct prefix t = *p;

	for (unsigned int bit = len; bit < 8 * sizeof(t.addr.bytes); bit++)
		t.addr.bytes[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
	t.len = (uint8_t)len;
	return t;
}

bool registry_has_route(const struct registry *reg, const struct prefix *pfx,
			uint32_t origin, enum registry_match match)
{
	int shortest = match == REGISTRY_COVERING ? 0 : pfx->len;

	for (int len = pfx->len; len >= shortest; len--) {
		struct prefix t = prefix_truncated(pfx, (unsigned int)len);

		if (route_slot(reg->slots, reg->mask, &t, origin)->pfx.family)
			return true;
	}
	return false;
}

/* The object being read; route and origin values are kept whole. */
enum rpsl_attr { ATTR_NONE, ATTR_OTHER, ATTR_ROUTE, ATTR_ORIGIN };

struct rpsl_object {
	bool open;
	int route_family;	/* AF_INET for route:, AF_INET6 for route6:, 0 else */
	enum rpsl_attr attr;	/* the attribute continuation lines extend */
	const char *error;	/* first reason the object is unusable */
	unsigned long error_line;
	unsigned int norigins;
	char route[128];
	char origin[64];
};

static void object_fail(struct rpsl_object *o, unsigned long line, const char *why)
{
	if (!o->error) {
		o->error = why;
		o->error_line = line;
	}
}

/* Appends a value fragment, "#" comment removed, blank-separated. */
static void object_append(struct rpsl_object *o, unsigned long line, const char *text)
{
	char *buf = o->attr == ATTR_ROUTE ? o->route : o->origin;
	size_t size = o->attr == ATTR_ROUTE ? sizeof(o->route) : sizeof(o->origin);
	size_t used = strlen(buf), n = strcspn(text, "#");

	if (o->attr != ATTR_ROUTE && o->attr != ATTR_ORIGIN)
		return;
	if (used + n + 2 > size) {
		object_fail(o, line, "attribute value too long");
		return;
	}
	buf[used] = ' ';
	memcpy(buf + used + 1, text, n);
	buf[used + 1 + n] = '\0';
}

/* First blank-separated token of a value, in place. */
static char *first_token(char *value)
{
	value += strspn(value, " \t");
	value[strcspn(value, " \t")] = '\0';
	return value;
}

static void object_finish(struct registry *reg, struct rpsl_object *o,
			  struct registry_stats *st)
{
	struct prefix pfx;
	uint32_t origin;

	if (!o->open)
		return;
	st->objects++;
	if (o->route_family && !o->error) {
		const char *origin_text = first_token(o->origin);

		if (prefix_parse(first_token(o->route), &pfx) < 0 ||
		    pfx.family != o->route_family)
			object_fail(o, o->error_line, "bad route prefix");
		else if (o->norigins != 1)
			object_fail(o, o->error_line, "route object needs exactly one origin");
		else if (strncasecmp(origin_text, "AS", 2) != 0 ||
			 asn_parse(origin_text, &origin) < 0)
			object_fail(o, o->error_line, "bad origin ASN");
		else if (registry_insert(reg, &pfx, origin) < 0)
			object_fail(o, o->error_line, "out of memory");
		else
			st->routes++;
	}
	if (o->error) {
		st->skipped++;
		if (!st->first_error_line) {
			st->first_error_line = o->error_line;
			snprintf(st->first_error, sizeof(st->first_error), "%s", o->error);
		}
	}
	memset(o, 0, sizeof(*o));
}

static void object_attribute(struct rpsl_object *o, unsigned long line, char *text)
{
	size_t name_len = 0;
	char *value;

	/* A loop, not strspn(): this runs on every line of million-object dumps
	 * and glibc's strspn is slow with a long accept set. */
	while (isalnum((unsigned char)text[name_len]) || text[name_len] == '-' ||
	       text[name_len] == '_')
		name_len++;
	if (!o->open) {
		o->open = true;
		/* Errors found when the object closes point at its first line. */
		o->error_line = line;
	}
	if (name_len == 0 || text[name_len] != ':') {
		object_fail(o, line, "not an attribute, continuation or comment");
		o->attr = ATTR_NONE;
		return;
	}
	text[name_len] = '\0';
	value = text + name_len + 1;
	if (o->attr == ATTR_NONE && !o->route_family) {
		/* The first attribute names the object's class. */
		if (strcasecmp(text, "route") == 0)
			o->route_family = AF_INET;
		else if (strcasecmp(text, "route6") == 0)
			o->route_family = AF_INET6;
		o->attr = o->route_family ? ATTR_ROUTE : ATTR_OTHER;
	} else if (strcasecmp(text, "origin") == 0) {
		o->attr = ATTR_ORIGIN;
		o->norigins++;
	} else {
		o->attr = ATTR_OTHER;
	}
	object_append(o, line, value);
}

int registry_add_stream(struct registry *reg, FILE *f, struct registry_stats *st)
{
	struct rpsl_object obj = { 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;

	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (line[strspn(line, " \t")] == '\0')
			object_finish(reg, &obj, st);
		else if (line[0] == '#' || line[0] == '%')
			continue;
		else if (line[0] == ' ' || line[0] == '\t' || line[0] == '+') {
			if (!obj.open || obj.attr == ATTR_NONE)
				object_fail(&obj, lineno, "continuation outside an attribute");
			obj.open = true;
			object_append(&obj, lineno, line + 1);
		} else {
			object_attribute(&obj, lineno, line);
		}
	}
	object_finish(reg, &obj, st);
	free(line);
	return ferror(f) ? -EIO : 0;
}

int registry_add_file(struct registry *reg, const char *path, struct registry_stats *st)
{
	FILE *f = fopen(path, "re");
	int ret;

	if (!f)
		return -errno;
	ret = registry_add_stream(reg, f, st);
	fclose(f);
	return ret;
}
