/* A user program of the block service ("block", abi/rebound/services.h):
   reads the disk -- the RAM disk, the ext2 image built with the system --
   through its message buffer and through lent memory, and finds the ext2
   superblock there; checks the refusals (past the end, too much for the
   buffer, a read-only loan). On a test build (the TAS serves "faults") the
   block server is restarted (a corrupted state) and the disk is the same
   after it, without a second copy of it. Exits with the failed checks. */
#include "rb_bulk.h"
#include "rb_check.h"
#include "rb_faults.h"

static rebound_handle g_block;

static uint64_t read_sectors(uint64_t first, uint64_t count) {
  struct rb_message m = {{REBOUND_BLOCK_READ, first, count, 0, 0, 0}, 0};
  return rb_service_call(g_block, &m);
}

static uint16_t le16(const unsigned char* p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const unsigned char* p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static unsigned char g_loan[65536] __attribute__((aligned(4096)));

int main(void) {
  check("lookup block", rb_lookup("block", &g_block) == 0);
  struct rb_message info = {{REBOUND_BLOCK_INFO, 0, 0, 0, 0, 0}, 0};
  check("info", rb_service_call(g_block, &info) == 0 && info.w[2] == 512);
  const uint64_t sectors = info.w[1];
  check("an 8 MiB disk", sectors == 8 * 2048);

  void* payload = 0;
  check("a message buffer", rb_ipc_buffer(&payload) == 0);
  const unsigned char* sb = payload;
  /* The superblock: bytes 1024-2047, sectors 2 and 3. */
  check("read the superblock", read_sectors(2, 2) == 0);
  check("ext2 magic", le16(sb + 56) == 0xef53);
  check("revision 1", le32(sb + 76) == 1);
  check("1 KiB blocks", le32(sb + 24) == 0);
  check("blocks cover the disk", (uint64_t)le32(sb + 4) * 2 == sectors);
  const uint64_t sum = rb_checksum(payload, 1024);

  /* The same through lent memory, 64 KiB at once. */
  struct rb_message m = {{REBOUND_BLOCK_READ, 0, 128, 0, 0, 0}, 0};
  check("read 64 KiB into a loan",
        rb_call_grant(g_block, &m, g_loan, sizeof g_loan, 1) == 0 && m.w[0] == 0 && m.w[1] == 128);
  check("the same superblock", rb_checksum(g_loan + 1024, 1024) == sum);

  check("past the end", read_sectors(sectors, 1) == out_of_range);
  check("across the end", read_sectors(sectors - 1, 2) == out_of_range);
  check("no sectors", read_sectors(0, 0) == out_of_range);
  check("a huge first sector", read_sectors(~0ull, 1) == out_of_range);
  check("more than the buffer holds", read_sectors(0, 9) == invalid_argument);
  struct rb_message ro = {{REBOUND_BLOCK_READ, 0, 1, 0, 0, 0}, 0};
  check("into a read-only loan", rb_call_grant(g_block, &ro, g_loan, 4096, 0) == 0 &&
                                     ro.w[0] == access_denied);
  struct rb_message bad = {{0x77, 0, 0, 0, 0, 0}, 0};
  check("unknown operation", rb_service_call(g_block, &bad) == invalid_argument);
  rb_print("block_client: reads checked\n");

  rebound_handle faults = 0;
  if (rb_lookup("faults", &faults) == 0) {
    const uint64_t frames = rb_frames_used();
    check("arm block.read corrupt",
          rb_faults_arm(faults, "block.read", REBOUND_INJECT_CORRUPT, 1) == 0);
    check("the corrupting read: server_restarted", read_sectors(2, 2) == server_restarted);
    RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, g_block);
    check("lookup again", rb_lookup("block", &g_block) == 0);
    check("read after the restart", read_sectors(2, 2) == 0);
    check("the same disk", rb_checksum(payload, 1024) == sum);
    /* A second copy would take 2048 more frames. */
    check("no second copy of the disk", rb_frames_used() < frames + 256);
    rb_print("block_client: restart checked\n");
  }
  rb_print(failures == 0 ? "block_client: all passed\n" : "block_client: FAILED\n");
  return failures;
}
