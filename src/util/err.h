/* SPDX-License-Identifier: Apache-2.0 */
/* err.h: the one error enum of gloved. Functions that can fail return
 * GLOVED_OK (0) or a negative gloved_err; errno is converted where it first
 * appears so callers never look at errno. */
#ifndef GLOVED_UTIL_ERR_H
#define GLOVED_UTIL_ERR_H

typedef enum gloved_err {
	GLOVED_OK = 0,
	GLOVED_ENOMEM = -1,     /* out of memory */
	GLOVED_EINVAL = -2,     /* invalid argument or input */
	GLOVED_ENOTFOUND = -3,  /* no such row or thing */
	GLOVED_EEXIST = -4,     /* already exists */
	GLOVED_EIO = -5,        /* file, socket or database I/O failed */
	GLOVED_EDB = -6,        /* database error other than I/O */
	GLOVED_EPERM = -7,      /* not allowed in the caller's scope */
	GLOVED_ETOOBIG = -8,    /* input over a size limit */
	GLOVED_EBUSY = -9,      /* resource busy or locked */
	GLOVED_ESHUTDOWN = -10, /* the component is shutting down */
	GLOVED_EAUTH = -11,     /* authentication failed */
	GLOVED_ENOTSUP = -12,   /* the store backend lacks this call */
	GLOVED_ECLAIMED = -13,  /* another instance took the database's claim */
} gloved_err;

/* Returns a static English description of rc (never NULL). */
const char *gloved_strerror(int rc);

#endif
