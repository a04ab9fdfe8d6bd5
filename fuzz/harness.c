// SPDX-License-Identifier: GPL-2.0
/*
 * bulwark fuzzers: the driver every target shares.
 *
 * Input: the first byte's low three bits say how many write() split
 * points follow, as 16-bit little-endian offsets into the rest, which
 * is the text written to the policy file.  ("0" followed by the text
 * is therefore one write.)
 *
 * Each input is checked so:
 *  1. written in one write(), then finished (close);
 *  2. written cut at the split points: every result must be the same
 *     as in 1, whatever the cuts;
 *  3. cut into lines by a model of the session written here, each line
 *     parsed by the module's parser and by the target's oracle, which
 *     must agree; the session must agree with the model: the same
 *     entries, the same error, the same kernel log line naming the
 *     same line number;
 *  4. when accepted, the canonical form of what was read is written
 *     again, and must be accepted and read back byte for byte.
 * Along the way: lines reach the parser whole, in order, within the
 * length limit and NUL-terminated; nothing reaches it after an error;
 * a refused line adds nothing; each spoilt session counts one reject
 * and logs one line, an accepted one none; the session's errors stay
 * put across more writes and finishes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#include "../module/counters.h"
#include "../module/policyfs.h"

/* The module's per-CPU counters, with one CPU. */
struct bulwark_counters bulwark_counters;

/* The kernel log of the current run. */
static struct {
	char last[512];
	unsigned int lines;
} klog;

void shim_printk(const char *level, const char *fmt, ...)
{
	va_list ap;

	(void)level;
	va_start(ap, fmt);
	vsnprintf(klog.last, sizeof(klog.last), fmt, ap);
	va_end(ap);
	klog.lines++;
	if (getenv("BULWARK_FUZZ_VERBOSE"))
		fprintf(stderr, "klog: %s", klog.last);
}

void check_failed(const char *file, int line, const char *cond,
		  const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: check failed: %s: ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void text_add(struct text *t, const void *p, size_t len)
{
	if (t->len + len + 1 > t->cap) {
		size_t cap = (t->len + len + 1) * 2;
		char *buf = realloc(t->buf, cap);

		if (!buf)
			abort();
		t->buf = buf;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, p, len);
	t->len += len;
	t->buf[t->len] = '\0';
}

void text_addc(struct text *t, char c)
{
	text_add(t, &c, 1);
}

void text_free(struct text *t)
{
	free(t->buf);
	memset(t, 0, sizeof(*t));
}

/**
 * struct outcome - what a write session made of a text
 * @err: its error, 0 when accepted
 * @out: the entries, in canonical form
 * @log: the kernel log line of the error, "" when accepted
 */
struct outcome {
	int err;
	struct text out;
	char log[512];
};

/* The state of one session run, for take(). */
struct run {
	const struct target *t;
	const char *text;
	size_t len;
	/* Where the next line starts in @text. */
	size_t pos;
	/* A line was refused. */
	bool failed;
	struct outcome *o;
};

/* The session's line callback: checks the line, then parses it. */
static int take(void *priv, char *line, size_t len, const char **why)
{
	struct run *r = priv;
	size_t before = r->o->out.len;
	int ret;

	CHECK(!r->failed, "a line reached the parser after an error");
	CHECK(len <= r->t->max_len, "a line of %zu bytes", len);
	CHECK(line[len] == '\0', "line not NUL-terminated");
	CHECK(r->pos + len <= r->len, "more bytes than written");
	CHECK(!memcmp(line, r->text + r->pos, len),
	      "the line at offset %zu is not what was written", r->pos);
	CHECK(r->pos + len == r->len || r->text[r->pos + len] == '\n',
	      "the line at offset %zu is cut short", r->pos);
	r->pos += len + 1;

	*why = NULL;
	ret = r->t->parse(line, len, &r->o->out, why);
	if (ret < 0) {
		CHECK(*why, "an error without a reason");
		CHECK(r->o->out.len == before, "a refused line left an entry");
		r->failed = true;
		return ret;
	}
	if (!ret) {
		CHECK(r->o->out.len == before, "an empty line left an entry");
		return 0;
	}
	CHECK(r->o->out.len > before + 1 &&
	      r->o->out.buf[r->o->out.len - 1] == '\n',
	      "an entry is not one line");
	CHECK(!memchr(r->o->out.buf + before, '\n',
		      r->o->out.len - before - 1), "an entry of two lines");
	return 0;
}

/* Note the session's first error, and check every later result. */
static void result(struct outcome *o, ssize_t ret, size_t want)
{
	if (o->err) {
		CHECK(ret == o->err, "error %d became %zd", o->err, ret);
		return;
	}
	if (ret >= 0) {
		CHECK((size_t)ret == want, "wrote %zd of %zu", ret, want);
		return;
	}
	o->err = (int)ret;
	CHECK(klog.lines == 1, "%u log lines for one error", klog.lines);
	snprintf(o->log, sizeof(o->log), "%s", klog.last);
}

/* Write @text through a session, cut at @cuts (sorted), then finish. */
static void run_session(const struct target *t, const char *text, size_t len,
			const size_t *cuts, size_t ncuts, struct outcome *o)
{
	struct run r = { .t = t, .text = text, .len = len, .o = o };
	u64 rejects = bulwark_counters.val[BULWARK_POLICY_REJECTS];
	struct bulwark_policy_session s;
	size_t start = 0, end, i;

	memset(o, 0, sizeof(*o));
	klog.lines = 0;
	memset(&s, 0, sizeof(s));
	CHECK(!bulwark_policy_init(&s, t->name, t->max_len, take, &r),
	      "init");
	for (i = 0; i <= ncuts; i++) {
		end = i < ncuts ? cuts[i] : len;
		result(o, bulwark_policy_write(&s, text + start, end - start),
		       end - start);
		start = end;
	}
	result(o, bulwark_policy_finish(&s), 0);
	/* A second close of the session changes nothing. */
	result(o, bulwark_policy_finish(&s), 0);
	/* Nor does writing after an error, or after a finish. */
	if (o->err)
		result(o, bulwark_policy_write(&s, "\n", 1), 1);
	bulwark_policy_destroy(&s);

	CHECK(bulwark_counters.val[BULWARK_POLICY_REJECTS] - rejects ==
	      (o->err ? 1U : 0U), "rejects counted wrong");
	CHECK(klog.lines == (o->err ? 1U : 0U), "%u log lines", klog.lines);
	if (!o->err)
		CHECK(r.pos >= len, "bytes left over");
}

/* The same, by a model of the session: cut into lines, parse each. */
static void run_model(const struct target *t, const char *text, size_t len,
		      struct outcome *o)
{
	struct text line = { 0 }, oracle = { 0 };
	size_t pos = 0, end, n, before;
	unsigned int lineno = 1;
	const char *nl, *why;
	int ret, want;

	memset(o, 0, sizeof(*o));
	for (; pos < len; pos = end + 1, lineno++) {
		nl = memchr(text + pos, '\n', len - pos);
		end = nl ? (size_t)(nl - text) : len;
		n = end - pos;
		if (n > t->max_len) {
			o->err = -EINVAL;
			snprintf(o->log, sizeof(o->log),
				 "bulwark: %s: line %u: longer than %zu bytes\n",
				 t->name, lineno, t->max_len);
			break;
		}
		line.len = 0;
		text_add(&line, text + pos, n);
		before = o->out.len;
		why = NULL;
		ret = t->parse(line.buf, n, &o->out, &why);

		oracle.len = 0;
		want = t->oracle(text + pos, n, &oracle);
		CHECK(ret == want || (ret < 0 && want < 0),
		      "line %u: the parser says %d, the oracle %d", lineno,
		      ret, want);
		if (ret > 0)
			CHECK(o->out.len - before == oracle.len &&
			      !memcmp(o->out.buf + before, oracle.buf,
				      oracle.len),
			      "line %u: the parser and the oracle read it apart",
			      lineno);
		if (ret < 0) {
			o->err = ret;
			snprintf(o->log, sizeof(o->log),
				 "bulwark: %s: line %u: %s\n", t->name, lineno,
				 why);
			break;
		}
	}
	text_free(&line);
	text_free(&oracle);
}

static void same(const struct outcome *a, const struct outcome *b,
		 const char *what)
{
	CHECK(a->err == b->err, "%s: error %d, not %d", what, b->err, a->err);
	CHECK(!strcmp(a->log, b->log), "%s: logs \"%s\", not \"%s\"", what,
	      b->log, a->log);
	CHECK(a->out.len == b->out.len &&
	      (!a->out.len || !memcmp(a->out.buf, b->out.buf, a->out.len)),
	      "%s: other entries", what);
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/**
 * fuzz_one - check one input against a target
 * @t: the target
 * @data: the input, in the format described at the top
 * @size: its length
 *
 * Return: 0; a failed check aborts.
 */
int fuzz_one(const struct target *t, const uint8_t *data, size_t size)
{
	struct outcome whole, split, model, again;
	size_t cuts[7], ncuts, i, len;
	const char *text;

	if (!size)
		return 0;
	ncuts = data[0] & 7;
	if (size < 1 + 2 * ncuts)
		ncuts = (size - 1) / 2;
	text = (const char *)data + 1 + 2 * ncuts;
	len = size - 1 - 2 * ncuts;
	for (i = 0; i < ncuts; i++)
		cuts[i] = (data[1 + 2 * i] | data[2 + 2 * i] << 8) % (len + 1);
	qsort(cuts, ncuts, sizeof(cuts[0]), cmp_size);

	run_session(t, text, len, NULL, 0, &whole);
	run_session(t, text, len, cuts, ncuts, &split);
	same(&whole, &split, "cut into writes");
	run_model(t, text, len, &model);
	same(&model, &whole, "against the model");

	if (!whole.err) {
		run_session(t, whole.out.buf ? whole.out.buf : "",
			    whole.out.len, NULL, 0, &again);
		CHECK(!again.err, "the canonical form is refused: %s",
		      again.log);
		same(&whole, &again, "the canonical form read back");
		text_free(&again.out);
	}
	text_free(&whole.out);
	text_free(&split.out);
	text_free(&model.out);
	return 0;
}
