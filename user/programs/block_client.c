/* A user program of the block service ("block", abi/rebound/services.h):
   reads the disk -- the RAM disk, or a copy of the same ext2 image attached
   as a virtio-blk disk -- through its message buffer and through lent
   memory, and finds the ext2 superblock there; checks the refusals (past
   the end, too much for the buffer, a read-only loan, writes outside a test
   build). On a virtio-blk disk the driver took interrupts. On a test build
   (the TAS serves "faults"), on a virtio-blk disk: writes the last 64
   sectors (free blocks of the file system, as its bitmap says) with a
   pattern the test checks in the image file after QEMU exits, reads them
   back, flushes; reads on three threads at once in the TAS; the device's own
   refusals (past its end, an unknown request). Then, on either disk, the
   block server is restarted (a corrupted state) and the disk is the same
   after it -- the RAM disk without a second copy, the virtio disk with what
   was written. Exits with the failed checks. */
#include "rb_bulk.h"
#include "rb_check.h"
#include "rb_faults.h"

static rebound_handle g_block;
static void* g_payload;
static uint64_t g_sectors;

#define WRITTEN 64 /* sectors, at the end of the disk */

static uint64_t call(uint64_t op, uint64_t a, uint64_t b, struct rb_message* reply) {
  struct rb_message m = {{op, a, b, 0, 0, 0}, 0};
  const uint64_t error = rb_service_call(g_block, &m);
  if (reply) *reply = m;
  return error;
}
static uint64_t read_sectors(uint64_t first, uint64_t count) {
  return call(REBOUND_BLOCK_READ, first, count, 0);
}

static uint16_t le16(const unsigned char* p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const unsigned char* p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* What the test (tests/system/block_disk_check.py) expects in sector s. */
static unsigned char pattern(uint64_t sector, unsigned byte) {
  return (unsigned char)((sector * 7 + byte) ^ 0x5a);
}

static int same_bytes(const unsigned char* a, const unsigned char* b, uint64_t n) {
  for (uint64_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return 0;
  return 1;
}

static unsigned char g_loan[65536] __attribute__((aligned(4096)));
static unsigned char g_back[WRITTEN * 512] __attribute__((aligned(4096)));

static uint64_t check_reads(void) {
  const unsigned char* sb = g_payload;
  /* The superblock: bytes 1024-2047, sectors 2 and 3. */
  check("read the superblock", read_sectors(2, 2) == 0);
  check("ext2 magic", le16(sb + 56) == 0xef53);
  check("revision 1", le32(sb + 76) == 1);
  check("1 KiB blocks", le32(sb + 24) == 0);
  check("blocks cover the disk", (uint64_t)le32(sb + 4) * 2 == g_sectors);
  const uint64_t sum = rb_checksum(g_payload, 1024);

  /* The same through lent memory, 64 KiB at once. */
  struct rb_message m = {{REBOUND_BLOCK_READ, 0, 128, 0, 0, 0}, 0};
  check("read 64 KiB into a loan",
        rb_call_grant(g_block, &m, g_loan, sizeof g_loan, 1) == 0 && m.w[0] == 0 && m.w[1] == 128);
  check("the same superblock", rb_checksum(g_loan + 1024, 1024) == sum);

  check("past the end", read_sectors(g_sectors, 1) == out_of_range);
  check("across the end", read_sectors(g_sectors - 1, 2) == out_of_range);
  check("no sectors", read_sectors(0, 0) == out_of_range);
  check("a huge first sector", read_sectors(~0ull, 1) == out_of_range);
  check("more than the buffer holds", read_sectors(0, 9) == invalid_argument);
  struct rb_message ro = {{REBOUND_BLOCK_READ, 0, 1, 0, 0, 0}, 0};
  check("into a read-only loan",
        rb_call_grant(g_block, &ro, g_loan, 4096, 0) == 0 && ro.w[0] == access_denied);
  check("unknown operation", call(0x77, 0, 0, 0) == invalid_argument);
  return sum;
}

/* The blocks of the last WRITTEN sectors are free in the file system (the
   block bitmap of its only group), so writing them leaves it consistent. */
static int last_blocks_free(void) {
  const unsigned char* p = g_payload;
  if (read_sectors(2, 2) != 0) return 0;
  const uint32_t first_data_block = le32(p + 20), per_group = le32(p + 32);
  if (le32(p + 24) != 0 || g_sectors / 2 > per_group + first_data_block) return 0;
  if (read_sectors(2 * (first_data_block + 1), 2) != 0) return 0; /* group descriptors */
  const uint32_t bitmap = le32(p);
  if (read_sectors(2 * (uint64_t)bitmap, 2) != 0) return 0;
  for (uint64_t block = (g_sectors - WRITTEN) / 2; block < g_sectors / 2; ++block) {
    const uint64_t bit = block - first_data_block;
    if (p[bit / 8] >> (bit % 8) & 1) return 0;
  }
  return 1;
}

static void check_writes(void) {
  const uint64_t first = g_sectors - WRITTEN;
  check("the last blocks are free", last_blocks_free());
  for (uint64_t s = 0; s < WRITTEN; ++s)
    for (unsigned i = 0; i < 512; ++i) g_loan[s * 512 + i] = pattern(first + s, i);
  struct rb_message w = {{REBOUND_BLOCK_WRITE, first, WRITTEN, 0, 0, 0}, 0};
  check("write 32 KiB from a read-only loan",
        rb_call_grant(g_block, &w, g_loan, WRITTEN * 512, 0) == 0 && w.w[0] == 0 &&
            w.w[1] == WRITTEN);
  struct rb_message r = {{REBOUND_BLOCK_READ, first, WRITTEN, 0, 0, 0}, 0};
  check("read them back", rb_call_grant(g_block, &r, g_back, sizeof g_back, 1) == 0 &&
                              r.w[0] == 0 && r.w[1] == WRITTEN);
  check("the same bytes", same_bytes(g_loan, g_back, sizeof g_back));
  /* One sector through the message buffer, over the first written one. */
  unsigned char* page = g_payload;
  for (unsigned i = 0; i < 512; ++i) page[i] = pattern(first, i);
  check("write from the message buffer", call(REBOUND_BLOCK_WRITE, first, 1, 0) == 0);
  check("flush", call(REBOUND_BLOCK_FLUSH, 0, 0, 0) == 0);
  check("write past the end", call(REBOUND_BLOCK_WRITE, g_sectors, 1, 0) == out_of_range);
  check("write across the end", call(REBOUND_BLOCK_WRITE, g_sectors - 1, 2, 0) == out_of_range);
  check("write more than the buffer holds", call(REBOUND_BLOCK_WRITE, 0, 9, 0) == invalid_argument);
  struct rb_message info;
  check("writes counted", call(REBOUND_BLOCK_INFO, 0, 0, &info) == 0 && info.w[4] == 2);
  rb_print("block_client: writes checked\n");
}

/* Three threads of the block server read at once (in-TAS calls), each its
   own 16 sectors, 8 times. */
static void check_parallel_reads(void) {
  struct rb_message m = {{REBOUND_BLOCK_PARALLEL_READS, 3, 0, 16, 8, 0}, 0};
  check("parallel reads", rb_service_call(g_block, &m) == 0);
  check("every read done", m.w[1] == 24);
  check("every read the same as the first", m.w[2] == 0);
  check("several requests in flight at once", m.w[3] >= 2);
  char n[24];
  rb_print("block_client: parallel reads checked, at most ");
  rb_print(rb_utoa(m.w[3], n));
  rb_print(" in flight\n");
}

static void check_device_errors(void) {
  struct rb_message m;
  check("device errors", call(REBOUND_BLOCK_DEVICE_ERRORS, 0, 0, &m) == 0);
  check("the device refuses the sector past its end", m.w[1] == io_error);
  check("the device refuses an unknown request", m.w[2] == not_supported);
  struct rb_message s;
  check("stats", call(REBOUND_BLOCK_STATS, 0, 0, &s) == 0);
  check("the refusals counted", s.w[4] >= 2);
  rb_print("block_client: device errors checked\n");
}

static void check_restart(uint64_t sum, int virtio) {
  const uint64_t frames = rb_frames_used();
  rebound_handle faults = 0;
  check("lookup faults", rb_lookup("faults", &faults) == 0);
  check("arm block.read corrupt",
        rb_faults_arm(faults, "block.read", REBOUND_INJECT_CORRUPT, 1) == 0);
  check("the corrupting read: server_restarted", read_sectors(2, 2) == server_restarted);
  RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, g_block);
  check("lookup again", rb_lookup("block", &g_block) == 0);
  check("read after the restart", read_sectors(2, 2) == 0);
  check("the same disk", rb_checksum(g_payload, 1024) == sum);
  /* A second copy of the RAM disk would take 2048 more frames. */
  check("no second copy of the disk", rb_frames_used() < frames + 256);
  if (virtio) {
    struct rb_message info, s;
    check("still the virtio disk",
          call(REBOUND_BLOCK_INFO, 0, 0, &info) == 0 && info.w[5] == REBOUND_BLOCK_KIND_VIRTIO);
    const uint64_t first = g_sectors - WRITTEN;
    struct rb_message r = {{REBOUND_BLOCK_READ, first, WRITTEN, 0, 0, 0}, 0};
    check("read what was written",
          rb_call_grant(g_block, &r, g_back, sizeof g_back, 1) == 0 && r.w[0] == 0);
    int same = 1;
    for (uint64_t i = 0; i < sizeof g_back; ++i)
      same = same && g_back[i] == pattern(first + i / 512, i % 512);
    check("what was written is there", same);
    check("the new generation's driver took interrupts",
          call(REBOUND_BLOCK_STATS, 0, 0, &s) == 0 && s.w[1] > 0 && s.w[2] >= 2);
    check_parallel_reads();
  }
  rb_print("block_client: restart checked\n");
}

int main(void) {
  check("lookup block", rb_lookup("block", &g_block) == 0);
  struct rb_message info;
  check("info", call(REBOUND_BLOCK_INFO, 0, 0, &info) == 0 && info.w[2] == 512);
  g_sectors = info.w[1];
  check("an 8 MiB disk", g_sectors == 8 * 2048);
  const int virtio = info.w[5] == REBOUND_BLOCK_KIND_VIRTIO;
  check("a known kind of disk", virtio || info.w[5] == REBOUND_BLOCK_KIND_RAM_DISK);
  rb_print(virtio ? "block_client: a virtio-blk disk\n" : "block_client: the RAM disk\n");
  check("a message buffer", rb_ipc_buffer(&g_payload) == 0);

  const uint64_t sum = check_reads();
  struct rb_message s;
  check("stats", call(REBOUND_BLOCK_STATS, 0, 0, &s) == 0);
  if (virtio)
    check("the driver took interrupts", s.w[1] > 0 && s.w[2] > 0);
  else
    check("no driver statistics", s.w[1] == 0 && s.w[2] == 0);
  rb_print("block_client: reads checked\n");

  rebound_handle faults = 0;
  const int test_build = rb_lookup("faults", &faults) == 0;
  if (!test_build) {
    /* Only the TAS writes the disk. */
    check("write refused", call(REBOUND_BLOCK_WRITE, g_sectors - 1, 1, 0) == access_denied);
    check("flush refused", call(REBOUND_BLOCK_FLUSH, 0, 0, 0) == access_denied);
    check("parallel reads refused", call(REBOUND_BLOCK_PARALLEL_READS, 1, 0, 0) == access_denied);
    check("device errors refused", call(REBOUND_BLOCK_DEVICE_ERRORS, 0, 0, 0) == access_denied);
    rb_print("block_client: writes refused\n");
  } else if (virtio) {
    check_writes();
    check_parallel_reads();
    check_device_errors();
  } else {
    check("no device errors on the RAM disk",
          call(REBOUND_BLOCK_DEVICE_ERRORS, 0, 0, 0) == not_supported);
  }
  if (test_build) check_restart(sum, virtio);
  rb_print(failures == 0 ? "block_client: all passed\n" : "block_client: FAILED\n");
  return failures;
}
