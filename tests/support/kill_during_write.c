/* Fault injection for the crash-safety test: LD_PRELOAD this library and the process group
 * receives SIGKILL at the N-th H5Dwrite into a file whose name ends in
 * IONBATH_KILL_FILE_SUFFIX (N = IONBATH_KILL_AT_WRITE, default 1), i.e. in the middle of
 * writing that file, at the same point on every machine. Without the variables it only
 * forwards the calls. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <hdf5.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static long writes_into_watched = 0;

static int in_watched_file(hid_t object) {
  const char *suffix = getenv("IONBATH_KILL_FILE_SUFFIX");
  char name[4096];
  if (!suffix || H5Fget_name(object, name, sizeof name) < 0)
    return 0;
  size_t n = strlen(name), k = strlen(suffix);
  return k > 0 && n >= k && strcmp(name + n - k, suffix) == 0;
}

herr_t H5Dwrite(hid_t dset, hid_t mem_type, hid_t mem_space, hid_t file_space, hid_t xfer,
                const void *buf) {
  herr_t (*next)(hid_t, hid_t, hid_t, hid_t, hid_t, const void *);
  *(void **)&next = dlsym(RTLD_NEXT, "H5Dwrite"); /* the POSIX idiom for function pointers */
  if (in_watched_file(dset)) {
    const char *at = getenv("IONBATH_KILL_AT_WRITE");
    if (++writes_into_watched >= (at ? atol(at) : 1))
      kill(0, SIGKILL);
  }
  return next(dset, mem_type, mem_space, file_space, xfer, buf);
}
