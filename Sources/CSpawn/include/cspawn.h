#ifndef CSPAWN_H
#define CSPAWN_H

#include <sys/types.h>

/// Spawns `path` with `argv` and `envp` (NULL-terminated) in a new process group.
///
/// The child starts with an empty signal mask and default signal dispositions (whatever
/// the spawning thread blocks or ignores), in `directory` if it is not NULL, with
/// `stdin_fd`, `stdout_fd` and `stderr_fd` as its descriptors 0, 1 and 2 (a negative
/// value keeps the parent's), and with every other descriptor closed, so it never holds
/// a pipe or socket of another child. Returns 0 or an errno value.
int cspawn_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                 const char *directory, int stdin_fd, int stdout_fd, int stderr_fd);

/// `pipe2(fds, O_CLOEXEC)`: returns 0 or an errno value.
int cspawn_pipe(int fds[2]);

#endif
