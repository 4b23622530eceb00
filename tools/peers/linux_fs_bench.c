/* Linux's figures for the file benchmarks of user/programs/bench.c (issue 6),
   measured the same way: run as /init of the initramfs that
   tools/peers/linux_fs.sh boots under QEMU -icount shift=0,sleep=off, where
   CLOCK_MONOTONIC advances one nanosecond per guest instruction. The files
   live on the initramfs root (tmpfs: no disk below it, as Rebound's RAM
   disk). Each figure is the median of 5 runs:

     fs_seq_write_4m   instructions per KiB: a fresh 4 MiB file written with
                       write(2) in chunks of 4 KiB (Rebound's message
                       buffer), then fsync(2) (a no-op on tmpfs)
     fs_seq_read_4m    instructions per KiB: read(2) back in 4 KiB chunks
     fs_create_delete  instructions per open(O_CREAT | O_EXCL) + close +
                       unlink of an empty file in a directory (200 pairs)

   Prints `name: value` lines (and `# ...` comments: each run's figures,
   the root's mount), then powers the guest off. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

enum { kRuns = 5, kFileBytes = 4 << 20, kChunk = 4096, kCreates = 200 };

static const char kFile[] = "/bench-4m";
static const char kDir[] = "/bench-dir";
static const char kEmpty[] = "/bench-dir/empty";
static unsigned char chunk[kChunk];

static uint64_t now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void power_off(void) {
  fflush(stdout);
  sync();
  reboot(RB_POWER_OFF);
  _exit(0);
}

static void die(const char* what) {
  printf("# FATAL: %s: %s\n", what, strerror(errno));
  power_off();
}

static uint64_t write_file(void) {
  const int fd = open(kFile, O_CREAT | O_EXCL | O_WRONLY, 0644);
  if (fd < 0) die("create");
  const uint64_t t = now();
  for (long done = 0; done < kFileBytes; done += kChunk) {
    chunk[0] = (unsigned char)(done / kChunk);
    if (write(fd, chunk, kChunk) != kChunk) die("write");
  }
  if (fsync(fd) != 0) die("fsync");
  const uint64_t spent = now() - t;
  close(fd);
  return spent / (kFileBytes / 1024);
}

static uint64_t read_file(void) {
  const int fd = open(kFile, O_RDONLY);
  if (fd < 0) die("open");
  long total = 0, mismatches = 0;
  const uint64_t t = now();
  for (;;) {
    const ssize_t got = read(fd, chunk, kChunk);
    if (got < 0) die("read");
    if (got == 0) break;
    mismatches += chunk[0] != (unsigned char)(total / kChunk);
    total += got;
  }
  const uint64_t spent = now() - t;
  close(fd);
  if (total != kFileBytes || mismatches != 0) {
    errno = EIO;
    die("read back");
  }
  if (unlink(kFile) != 0) die("unlink 4 MiB file");
  return spent / (kFileBytes / 1024);
}

static void create_delete_pair(void) {
  const int fd = open(kEmpty, O_CREAT | O_EXCL | O_WRONLY, 0644);
  if (fd < 0) die("create empty");
  close(fd);
  if (unlink(kEmpty) != 0) die("unlink empty");
}

static uint64_t create_delete(void) {
  create_delete_pair(); /* warm-up, as Rebound's */
  const uint64_t t = now();
  for (int i = 0; i < kCreates; ++i) create_delete_pair();
  return (now() - t) / kCreates;
}

static int by_value(const void* a, const void* b) {
  const uint64_t x = *(const uint64_t*)a, y = *(const uint64_t*)b;
  return x < y ? -1 : x > y;
}

static void report(const char* name, uint64_t* runs) {
  printf("# runs %s:", name);
  for (int i = 0; i < kRuns; ++i) printf(" %llu", (unsigned long long)runs[i]);
  printf("\n");
  qsort(runs, kRuns, sizeof *runs, by_value);
  printf("%s: %llu\n", name, (unsigned long long)runs[kRuns / 2]);
}

/* What the root is: tmpfs (the initramfs root when the kernel has tmpfs)
   or ramfs. */
static void show_root_mount(void) {
  struct statfs s;
  if (statfs("/", &s) == 0)
    printf("# root: f_type %#lx (%s)\n", (unsigned long)s.f_type,
           s.f_type == 0x01021994   ? "tmpfs"
           : s.f_type == 0x858458f6 ? "ramfs"
                                    : "other");
  mkdir("/proc", 0555);
  if (mount("proc", "/proc", "proc", 0, NULL) != 0) return;
  FILE* f = fopen("/proc/mounts", "r");
  if (f == NULL) return;
  char line[256];
  while (fgets(line, sizeof line, f) != NULL)
    if (strncmp(line, "rootfs / ", 9) == 0 || strstr(line, " / ") != NULL)
      printf("# mount: %s", line);
  fclose(f);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  printf("# linux_fs_bench: %d runs, chunk %d bytes\n", kRuns, kChunk);
  show_root_mount();
  for (int i = 0; i < kChunk; ++i) chunk[i] = (unsigned char)(i * 7);
  if (mkdir(kDir, 0755) != 0) die("mkdir");
  uint64_t writes[kRuns], reads[kRuns], pairs[kRuns];
  for (int r = 0; r < kRuns; ++r) {
    writes[r] = write_file();
    reads[r] = read_file();
    pairs[r] = create_delete();
  }
  report("fs_seq_write_4m", writes);
  report("fs_seq_read_4m", reads);
  report("fs_create_delete", pairs);
  printf("# linux_fs_bench done\n");
  if (getpid() == 1) power_off();
  return 0;
}
