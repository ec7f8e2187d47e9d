#ifndef DURABLETASK_CHIREDIS_SHIM_H
#define DURABLETASK_CHIREDIS_SHIM_H

// Umbrella header for the system hiredis library (Debian: libhiredis-dev).
// The variadic redisCommand() is not callable from Swift; the Swift code uses
// redisCommandArgv(), redisAppendCommandArgv() and redisGetReply().
#include <hiredis/hiredis.h>
#include <pthread.h>

// glibc declares pthread_setname_np only under _GNU_SOURCE, which Swift's Glibc
// module is not built with; declare it here to name the connection I/O threads.
extern int pthread_setname_np(pthread_t thread, const char *name);

#endif
