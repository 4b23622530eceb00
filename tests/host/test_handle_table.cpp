#include <gtest/gtest.h>

#include <set>

#include "core/handle_table.h"

namespace {

int g_live = 0;

struct Obj : lib::RefCounted {
  Obj() { ++g_live; }
  ~Obj() override { --g_live; }
  void destroy() override { delete this; }
};
struct Other : lib::RefCounted {
  void destroy() override { delete this; }
};

// Final classes are told apart by their type id, not a dynamic_cast.
struct Leaf final : lib::RefCounted {
  void destroy() override { delete this; }
};
struct Base : lib::RefCounted {
  void destroy() override { delete this; }
};
struct Derived final : Base {};

using core::HandleTable;

TEST(HandleTable, AddGetCloseAndReferenceCounting) {
  HandleTable t;
  {
    auto h = t.add(lib::Ref<lib::RefCounted>(new Obj), REBOUND_RIGHTS_ALL);
    ASSERT_TRUE(h.has_value());
    EXPECT_NE(*h, 0u);
    EXPECT_EQ(g_live, 1);
    auto obj = t.get<Obj>(*h, REBOUND_RIGHT_WAIT);
    ASSERT_TRUE(obj.has_value());
    EXPECT_EQ((*obj)->ref_count(), 2u);  // the table's and ours
    ASSERT_TRUE(t.close(*h).has_value());
    EXPECT_EQ(g_live, 1);  // `obj` still holds it
  }
  EXPECT_EQ(g_live, 0);
  EXPECT_EQ(t.count(), 0u);
}

TEST(HandleTable, EveryKindOfBadHandleHasItsError) {
  HandleTable t;
  const auto h = *t.add(lib::Ref<lib::RefCounted>(new Obj), REBOUND_RIGHT_WAIT);
  EXPECT_EQ(t.get<Obj>(0, 0).error(), Error::bad_handle);
  EXPECT_EQ(t.get<Obj>(0xffff, 0).error(), Error::bad_handle);
  EXPECT_EQ(t.get<Obj>(h + 1, 0).error(), Error::stale_handle);        // empty slot
  EXPECT_EQ(t.get<Obj>(h ^ 0x10000, 0).error(), Error::stale_handle);  // wrong generation
  EXPECT_EQ(t.get<Other>(h, 0).error(), Error::wrong_type);
  EXPECT_EQ(t.get<Obj>(h, REBOUND_RIGHT_KILL).error(), Error::access_denied);
  ASSERT_TRUE(t.close(h).has_value());
  EXPECT_EQ(t.get<Obj>(h, 0).error(), Error::stale_handle);
  EXPECT_EQ(t.close(h).error(), Error::stale_handle);
  // The slot is reused with a new generation: the old value stays stale.
  const auto h2 = *t.add(lib::Ref<lib::RefCounted>(new Obj), 0);
  EXPECT_EQ(h2 & 0xffff, h & 0xffff);
  EXPECT_NE(h2, h);
  EXPECT_EQ(t.get<Obj>(h, 0).error(), Error::stale_handle);
  t.clear();
  EXPECT_EQ(g_live, 0);
}

TEST(HandleTable, FinalAndOpenTypesAreCheckedAlike) {
  HandleTable t;
  const auto leaf = *t.add(lib::Ref<lib::RefCounted>(new Leaf), REBOUND_RIGHT_WAIT);
  const auto derived = *t.add(lib::Ref<lib::RefCounted>(new Derived), REBOUND_RIGHT_WAIT);
  EXPECT_TRUE(t.get<Leaf>(leaf, REBOUND_RIGHT_WAIT).has_value());
  EXPECT_EQ(t.get<Derived>(leaf, 0).error(), Error::wrong_type);
  EXPECT_EQ(t.get<Leaf>(derived, 0).error(), Error::wrong_type);
  EXPECT_TRUE(t.get<Derived>(derived, 0).has_value());
  EXPECT_TRUE(t.get<Base>(derived, 0).has_value());  // a base of it: dynamic_cast
  EXPECT_EQ(t.get<Base>(leaf, 0).error(), Error::wrong_type);
  t.clear();
}

// peek() is get() without the reference and the error: the object, or
// nullptr whenever get() would fail.
TEST(HandleTable, PeekFindsWhatGetFindsWithoutAReference) {
  HandleTable t;
  const auto h = *t.add(lib::Ref<lib::RefCounted>(new Leaf), REBOUND_RIGHT_CALL);
  Leaf* leaf = t.peek<Leaf>(h, REBOUND_RIGHT_CALL);
  ASSERT_NE(leaf, nullptr);
  EXPECT_EQ(leaf->ref_count(), 1u);  // the table's alone
  EXPECT_EQ(leaf, t.get<Leaf>(h, 0)->get());
  EXPECT_EQ(t.peek<Leaf>(0, 0), nullptr);
  EXPECT_EQ(t.peek<Leaf>(0xffff, 0), nullptr);
  EXPECT_EQ(t.peek<Leaf>(h + 1, 0), nullptr);        // empty slot
  EXPECT_EQ(t.peek<Leaf>(h ^ 0x10000, 0), nullptr);  // wrong generation
  EXPECT_EQ(t.peek<Derived>(h, 0), nullptr);
  EXPECT_EQ(t.peek<Leaf>(h, REBOUND_RIGHT_RECEIVE), nullptr);
  ASSERT_TRUE(t.close(h).has_value());
  EXPECT_EQ(t.peek<Leaf>(h, 0), nullptr);
}

TEST(HandleTable, DuplicateOnlyShrinksRights) {
  HandleTable t;
  const auto h =
      *t.add(lib::Ref<lib::RefCounted>(new Obj), REBOUND_RIGHT_DUPLICATE | REBOUND_RIGHT_WAIT);
  auto d = t.duplicate(h, REBOUND_RIGHT_WAIT);
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(t.get<Obj>(*d, REBOUND_RIGHT_WAIT).has_value());
  EXPECT_EQ(t.duplicate(h, REBOUND_RIGHT_KILL).error(), Error::access_denied);
  EXPECT_EQ(t.duplicate(*d, REBOUND_RIGHT_WAIT).error(), Error::access_denied);  // no DUPLICATE
  t.clear();
  EXPECT_EQ(g_live, 0);
}

TEST(HandleTable, GivingNeedsDuplicateAndKeepsTheRights) {
  HandleTable parent, child;
  const auto h = *parent.add(lib::Ref<lib::RefCounted>(new Obj),
                             REBOUND_RIGHT_DUPLICATE | REBOUND_RIGHT_MAP | REBOUND_RIGHT_READ);
  auto gift = parent.give(h);
  ASSERT_TRUE(gift.has_value());
  const auto given = *child.add(gift->object, gift->rights);
  gift = {};
  EXPECT_TRUE(child.get<Obj>(given, REBOUND_RIGHT_MAP | REBOUND_RIGHT_READ).has_value());
  EXPECT_EQ(child.get<Obj>(given, REBOUND_RIGHT_WRITE).error(), Error::access_denied);
  ASSERT_TRUE(parent.close(h).has_value());
  EXPECT_EQ(g_live, 1);  // the child's handle keeps it
  EXPECT_EQ(parent.give(h).error(), Error::stale_handle);
  const auto weak = *parent.add(lib::Ref<lib::RefCounted>(new Obj), REBOUND_RIGHT_READ);
  EXPECT_EQ(parent.give(weak).error(), Error::access_denied);
  EXPECT_EQ(parent.give(0).error(), Error::bad_handle);
  parent.clear();
  child.clear();
  EXPECT_EQ(g_live, 0);
}

struct Watched : lib::RefCounted {
  int handles = 0, receivers = 0;
  void handles_changed(int delta, uint32_t rights) override {
    handles += delta;
    if ((rights & REBOUND_RIGHT_RECEIVE) != 0) receivers += delta;
  }
  void destroy() override { delete this; }
};

TEST(HandleTable, ObjectsHearOfEveryHandleMadeAndClosed) {
  HandleTable t;
  lib::Ref<Watched> w(new Watched);
  const auto h = *t.add(w, REBOUND_RIGHT_DUPLICATE | REBOUND_RIGHT_CALL | REBOUND_RIGHT_RECEIVE);
  const auto d = *t.duplicate(h, REBOUND_RIGHT_CALL);
  EXPECT_EQ(w->handles, 2);
  EXPECT_EQ(w->receivers, 1);
  ASSERT_TRUE(t.close(h).has_value());
  EXPECT_EQ(w->receivers, 0);
  EXPECT_EQ(w->handles, 1);
  t.clear();
  EXPECT_EQ(w->handles, 0);
  (void)d;
}

// A handle moving between tables (IPC) stays counted on the way: a RECEIVE
// handle in transit keeps its endpoint open; dropped on the way, it closes.
TEST(HandleTable, MovedHandlesStayCountedUntilPutOrDropped) {
  HandleTable from, to;
  lib::Ref<Watched> w(new Watched);
  const auto h = *from.add(w, REBOUND_RIGHT_CALL | REBOUND_RIGHT_RECEIVE);
  auto moved = from.take(h);
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(from.count(), 0u);
  EXPECT_EQ(from.take(h).error(), Error::stale_handle);  // the old value is dead
  EXPECT_EQ(w->handles, 1);
  EXPECT_EQ(w->receivers, 1);
  const auto landed = to.put(std::move(*moved));
  ASSERT_TRUE(landed.has_value());
  EXPECT_EQ(w->handles, 1);  // put does not count it twice
  EXPECT_TRUE(to.get<Watched>(*landed, REBOUND_RIGHT_RECEIVE).has_value());
  {
    auto again = to.take(*landed);
    ASSERT_TRUE(again.has_value());
  }  // dropped on the way
  EXPECT_EQ(w->handles, 0);
  EXPECT_EQ(w->receivers, 0);
  EXPECT_EQ(to.put(core::MovedHandle()).error(), Error::invalid_argument);
}

TEST(HandleTable, PutIntoAFullTableLeavesTheHandleWithTheCaller) {
  HandleTable full, other;
  for (unsigned i = 0; i < HandleTable::kMaxHandles; ++i)
    ASSERT_TRUE(full.add(lib::Ref<lib::RefCounted>(new Obj), 0).has_value());
  lib::Ref<Watched> w(new Watched);
  auto moved = *other.take(*other.add(w, REBOUND_RIGHT_CALL));
  EXPECT_EQ(full.put(std::move(moved)).error(), Error::limit_reached);
  EXPECT_TRUE(static_cast<bool>(moved));  // NOLINT: a failed put does not move
  EXPECT_EQ(w->handles, 1);
  moved = core::MovedHandle();
  EXPECT_EQ(w->handles, 0);
  full.clear();
}

TEST(HandleTable, FullTableIsAnError) {
  HandleTable t;
  std::set<rebound_handle> seen;
  for (unsigned i = 0; i < HandleTable::kMaxHandles; ++i)
    seen.insert(*t.add(lib::Ref<lib::RefCounted>(new Obj), 0));
  EXPECT_EQ(seen.size(), HandleTable::kMaxHandles);
  EXPECT_EQ(t.add(lib::Ref<lib::RefCounted>(new Obj), 0).error(), Error::limit_reached);
  EXPECT_EQ(g_live, static_cast<int>(HandleTable::kMaxHandles));  // the refused one is gone
  t.clear();
  EXPECT_EQ(g_live, 0);
}

}  // namespace
