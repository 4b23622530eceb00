// The TAS's references to one generation of a server (tas/runtime/server_ref.h):
// the protocol between callers counting themselves in and the supervisor
// publishing a new generation and waiting for the old one to drain.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "runtime/server_ref.h"

namespace {

struct Callee {
  std::atomic<bool> gone{false};  // the supervisor dropped it
  std::atomic<uint64_t> calls{0};
};

TEST(ServerRef, ReachesItsGenerationOnly) {
  tas::ServerHome home;
  Callee first;
  home.generation.store(1);
  tas::ServerRef<Callee> ref(home, first, 1);
  auto in = ref.enter();
  ASSERT_TRUE(in.has_value());
  EXPECT_EQ(*in, &first);
  EXPECT_EQ(home.inside[1].load(), 1u);
  ref.leave();
  EXPECT_EQ(home.inside[1].load(), 0u);
  EXPECT_FALSE(ref.stale());

  home.generation.store(2);
  EXPECT_TRUE(ref.stale());
  auto stale = ref.enter();
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(stale.error(), rebound::Error::server_restarted);
  EXPECT_EQ(home.inside[1].load(), 0u) << "a caller that backs out is not counted";

  tas::ServerRef<Callee> none;
  EXPECT_FALSE(none);
  EXPECT_EQ(none.enter().error(), rebound::Error::not_found);
}

// Callers hammer the current generation while the "supervisor" replaces it
// again and again: no caller is ever inside a generation after the
// supervisor saw it drained and dropped it.
TEST(ServerRef, NoCallerInsideADroppedGeneration) {
  constexpr unsigned kGenerations = 200;
  tas::ServerHome home;
  std::vector<Callee> callees(kGenerations + 1);
  std::atomic<tas::ServerRef<Callee>*> current{nullptr};
  std::vector<tas::ServerRef<Callee>> refs;
  refs.reserve(kGenerations + 1);
  for (unsigned g = 1; g <= kGenerations; ++g) refs.emplace_back(home, callees[g], g);
  home.generation.store(1);
  current.store(&refs[0]);

  std::atomic<bool> done{false};
  std::atomic<uint64_t> violations{0}, restarted{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 3; ++t) {
    callers.emplace_back([&] {
      while (!done.load()) {
        const tas::ServerRef<Callee> ref = *current.load();
        auto in = ref.enter();
        if (!in) {
          restarted.fetch_add(1);
          continue;
        }
        for (int i = 0; i < 20; ++i) {
          if ((*in)->gone.load()) violations.fetch_add(1);
          (*in)->calls.fetch_add(1);
        }
        ref.leave();
      }
    });
  }
  for (unsigned g = 2; g <= kGenerations; ++g) {
    // Each generation is called into before it is replaced (callers may be
    // slow to get a CPU on a loaded host).
    while (callees[g - 1].calls.load() == 0) std::this_thread::yield();
    current.store(&refs[g - 1]);
    home.generation.store(g);  // publish
    while (home.inside[(g - 1) % 2].load() != 0) std::this_thread::yield();
    callees[g - 1].gone.store(true);  // drop the old generation
  }
  done.store(true);
  for (auto& t : callers) t.join();
  EXPECT_EQ(violations.load(), 0u);
  for (unsigned g = 1; g < kGenerations; ++g) EXPECT_GT(callees[g].calls.load(), 0u) << g;
}

}  // namespace
