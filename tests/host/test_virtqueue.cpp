// The split virtqueue (tas/drivers/virtio/virtqueue.h) against a device
// simulated here from the specification's layout: chains as the device
// sees them, completions in any order, 16-bit index wrap-around, and a
// device that puts nonsense in its used ring.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <set>
#include <vector>

#include "drivers/virtio/virtqueue.h"

namespace {

using tas::virtio::Virtqueue;

constexpr uint64_t kPhys = 0x40000000;
constexpr uint16_t kNext = 1, kWrite = 2;

// The device's side, reading and writing the shared memory as virtio 1.x
// section 2.7 lays it out.
class Device {
 public:
  Device(uint8_t* memory, uint16_t size) : m_(memory), size_(size) {}

  struct Chain {
    uint16_t head;
    std::vector<Virtqueue::Buffer> buffers;
    std::vector<uint16_t> descriptors;
  };

  uint16_t available_index() const { return u16(avail() + 2); }
  // The chains made available since the last call.
  std::vector<Chain> take_available() {
    std::vector<Chain> chains;
    for (; seen_ != available_index(); ++seen_) {
      Chain c;
      c.head = u16(avail() + 4 + 2 * (seen_ % size_));
      uint16_t d = c.head;
      for (unsigned n = 0;; ++n) {
        EXPECT_LT(d, size_);
        EXPECT_LT(n, size_) << "a loop in a chain";
        const uint8_t* desc = m_ + 16 * d;
        uint64_t addr;
        uint32_t len;
        std::memcpy(&addr, desc, 8);
        std::memcpy(&len, desc + 8, 4);
        const uint16_t flags = u16(desc + 12), next = u16(desc + 14);
        c.buffers.push_back({addr, len, (flags & kWrite) != 0});
        c.descriptors.push_back(d);
        if ((flags & kNext) == 0 || n >= size_) break;
        d = next;
      }
      chains.push_back(c);
    }
    return chains;
  }
  // Returns a used element (id, bytes written).
  void use(uint32_t id, uint32_t len) {
    uint8_t* e = used() + 4 + 8 * (used_index_ % size_);
    std::memcpy(e, &id, 4);
    std::memcpy(e + 4, &len, 4);
    ++used_index_;
    std::memcpy(used() + 2, &used_index_, 2);
  }

 private:
  uint16_t u16(const uint8_t* p) const {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
  }
  uint8_t* avail() const { return m_ + 16 * size_; }
  uint8_t* used() const { return m_ + ((16 * size_ + 6 + 2 * size_ + 3) & ~3); }

  uint8_t* m_;
  uint16_t size_;
  uint16_t seen_ = 0, used_index_ = 0;
};

struct Queue {
  explicit Queue(uint16_t size) : memory(Virtqueue::bytes(size) + 64), device(base(), size) {
    EXPECT_TRUE(queue.init(base(), kPhys, size).has_value());
  }
  uint8_t* base() {
    return reinterpret_cast<uint8_t*>((reinterpret_cast<uintptr_t>(memory.data()) + 15) &
                                      ~uintptr_t{15});
  }
  std::vector<uint8_t> memory;
  Virtqueue queue;
  Device device;
};

}  // namespace

TEST(Virtqueue, LayoutFollowsTheSpecification) {
  EXPECT_EQ(Virtqueue::bytes(64), 64u * 16 + 6 + 2 * 64 + 2 /* pad to 4 */ + 6 + 8 * 64);
  EXPECT_EQ(Virtqueue::bytes(256), 256u * 16 + 6 + 2 * 256 + 2 + 6 + 8 * 256);
  Queue q(64);
  EXPECT_EQ(q.queue.descriptors_phys(), kPhys);
  EXPECT_EQ(q.queue.available_phys(), kPhys + 64 * 16);
  EXPECT_EQ(q.queue.used_phys(), kPhys + ((64 * 16 + 6 + 2 * 64 + 3) & ~3));
  EXPECT_EQ(q.queue.used_phys() % 4, 0u);
  EXPECT_EQ(q.queue.free_descriptors(), 64u);
}

TEST(Virtqueue, RefusesSizesThatAreNotPowersOfTwoUpTo256) {
  std::vector<uint8_t> memory(Virtqueue::bytes(256));
  Virtqueue q;
  for (uint16_t size : {0, 3, 48, 100, 512})
    EXPECT_EQ(q.init(memory.data(), kPhys, size).error(), Error::invalid_argument) << size;
  for (uint16_t size : {1, 2, 64, 256}) EXPECT_TRUE(q.init(memory.data(), kPhys, size).has_value());
}

TEST(Virtqueue, TheDeviceSeesEachChainAsAdded) {
  Queue q(8);
  const Virtqueue::Buffer chain[] = {{0x1000, 16, false}, {0x2000, 4096, true}, {0x3000, 1, true}};
  auto head = q.queue.add(chain, 3);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(q.queue.free_descriptors(), 5u);
  EXPECT_EQ(q.device.available_index(), 1u);
  auto seen = q.device.take_available();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].head, *head);
  ASSERT_EQ(seen[0].buffers.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(seen[0].buffers[i].phys, chain[i].phys);
    EXPECT_EQ(seen[0].buffers[i].size, chain[i].size);
    EXPECT_EQ(seen[0].buffers[i].device_writes, chain[i].device_writes);
  }
  uint16_t used_head;
  uint32_t written;
  EXPECT_FALSE(q.queue.take_used(used_head, written));  // nothing used yet
  q.device.use(*head, 4097);
  ASSERT_TRUE(q.queue.take_used(used_head, written));
  EXPECT_EQ(used_head, *head);
  EXPECT_EQ(written, 4097u);
  EXPECT_EQ(q.queue.free_descriptors(), 8u);
  EXPECT_FALSE(q.queue.take_used(used_head, written));
}

TEST(Virtqueue, RefusesAChainItHasNoRoomFor) {
  Queue q(4);
  const Virtqueue::Buffer b[5] = {};
  EXPECT_EQ(q.queue.add(b, 0).error(), Error::invalid_argument);
  EXPECT_EQ(q.queue.add(b, 5).error(), Error::limit_reached);
  auto first = q.queue.add(b, 3);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(q.queue.add(b, 2).error(), Error::limit_reached);
  EXPECT_TRUE(q.queue.add(b, 1).has_value());
  EXPECT_EQ(q.queue.free_descriptors(), 0u);
  EXPECT_EQ(q.queue.add(b, 1).error(), Error::limit_reached);
  q.device.use(*first, 0);
  uint16_t head;
  uint32_t written;
  EXPECT_TRUE(q.queue.take_used(head, written));
  EXPECT_EQ(q.queue.free_descriptors(), 3u);
  EXPECT_TRUE(q.queue.add(b, 3).has_value());
}

// Many chains of every length, completed in a random order, well past the
// 16-bit wrap of both rings' indices: every chain the device sees uses
// descriptors no other outstanding chain uses, and every one comes back.
TEST(Virtqueue, OutOfOrderCompletionsPastTheIndexWrap) {
  Queue q(16);
  std::mt19937 random(7);
  std::vector<Device::Chain> out;
  std::set<uint16_t> heads_out;
  uint64_t added = 0, completed = 0;
  while (completed < 140000) {
    const unsigned n = 1 + random() % 4;
    std::vector<Virtqueue::Buffer> chain;
    for (unsigned i = 0; i < n; ++i)
      chain.push_back({added * 16 + i, static_cast<uint32_t>(i + 1), i % 2 == 1});
    bool full = false;
    if (auto head = q.queue.add(chain.data(), n)) {
      EXPECT_TRUE(heads_out.insert(*head).second);
      ++added;
      for (auto& c : q.device.take_available()) {
        ASSERT_EQ(c.buffers.size(), n);
        for (unsigned i = 0; i < n; ++i) EXPECT_EQ(c.buffers[i].phys, chain[i].phys);
        out.push_back(c);
      }
    } else {
      EXPECT_EQ(head.error(), Error::limit_reached);
      full = true;
    }
    // The device completes a few chains (at least one when the queue is
    // full), any of those out.
    for (unsigned k = full ? 1 + random() % 3 : random() % 3; k > 0 && !out.empty(); --k) {
      const size_t pick = random() % out.size();
      q.device.use(out[pick].head, 7);
      out.erase(out.begin() + static_cast<long>(pick));
      uint16_t head;
      uint32_t written;
      ASSERT_TRUE(q.queue.take_used(head, written));
      EXPECT_EQ(heads_out.erase(head), 1u);
      EXPECT_EQ(written, 7u);
      ++completed;
    }
    std::set<uint16_t> in_use;
    for (auto& c : out)
      for (uint16_t d : c.descriptors) ASSERT_TRUE(in_use.insert(d).second) << "shared " << d;
    ASSERT_EQ(q.queue.free_descriptors() + in_use.size(), 16u);
  }
  EXPECT_EQ(q.queue.bad_used(), 0u);
}

// A broken device: used elements naming no chain out (past the queue, a
// free descriptor, a chain already returned) are dropped and counted; the
// driver's books stay right.
TEST(Virtqueue, UsedElementsNamingNoChainOutAreDropped) {
  Queue q(8);
  const Virtqueue::Buffer b[2] = {{0x1000, 16, false}, {0x2000, 1, true}};
  auto head = q.queue.add(b, 2);
  ASSERT_TRUE(head.has_value());
  q.device.use(99, 0);                                // past the queue
  q.device.use(static_cast<uint32_t>(*head + 1), 0);  // inside the chain, not its head
  q.device.use(*head, 1);
  q.device.use(*head, 1);  // again
  uint16_t used_head;
  uint32_t written;
  ASSERT_TRUE(q.queue.take_used(used_head, written));
  EXPECT_EQ(used_head, *head);
  EXPECT_FALSE(q.queue.take_used(used_head, written));
  EXPECT_EQ(q.queue.bad_used(), 3u);
  EXPECT_EQ(q.queue.free_descriptors(), 8u);
}
