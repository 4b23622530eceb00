// Message buffers and grants (core/ipc_bulk.h) from the kernel's side: a
// grant maps the lender's very frames into the borrower's window with the
// rights given, pins the lender's regions while it lasts, and leaves
// nothing mapped, pinned or allocated when it ends; and whole user
// sessions with buffers and grants -- killed lenders and servers among them
// (user program ipc_bulk) -- leave the kernel's resources as they were.
#include "core/grant.h"
#include "core/message_buffer.h"
#include "core/tas_boot.h"
#include "ktest/ktest.h"
#include "ktest/snapshot.h"
#include "ktest/tracker.h"
#include "ktest/user_programs.h"

namespace {

using core::AddressSpace;
using core::Grant;
using core::GrantWindow;
using core::Ref;
namespace perm = mm::perm;
constexpr size_t kPage = mm::kPageSize;
constexpr uintptr_t kLent = 0x400000, kAfter = kLent + 4 * kPage, kReadOnly = 0x900000;
constexpr auto kRW = perm::read | perm::write;

Ref<AddressSpace> new_space() {
  auto s = AddressSpace::create();
  KEXPECT(s.has_value());
  return s ? *s : Ref<AddressSpace>();
}

bool refused(const Result<Grant>& g, Error e) { return !g && g.error() == e; }

}  // namespace

KTEST(grant_lends_the_same_frames_with_the_rights_given_until_it_ends) {
  const ktest::Snapshot before = ktest::Snapshot::take();
  {
    Ref<AddressSpace> lender = new_space(), server = new_space();
    KEXPECT(lender->map_anonymous(kLent, 4 * kPage, kRW).has_value());
    KEXPECT(lender->map_anonymous(kAfter, kPage, kRW).has_value());
    KEXPECT(lender->map_anonymous(kReadOnly, kPage, perm::read).has_value());
    KEXPECT(lender->copy_out(kLent + kPage + 8, "lent, not copied", 17).has_value());

    // What the lender does not hold, or not with the rights asked.
    using core::GrantDescriptor;
    KEXPECT(refused(Grant::offer(lender, {0x7000000, kPage, false}), Error::bad_address));
    KEXPECT(refused(Grant::offer(lender, {kReadOnly, kPage, true}), Error::bad_address));
    KEXPECT(refused(Grant::offer(lender, {kAfter, 2 * kPage, false}), Error::bad_address));
    KEXPECT(refused(Grant::offer(lender, {0, kPage, false}), Error::bad_address));
    KEXPECT(refused(Grant::offer(lender, {AddressSpace::kUserTop - kPage, 2 * kPage, false}),
                    Error::bad_address));

    // Across two regions that touch: five pages, read-only, pinned.
    auto offered = Grant::offer(lender, {kLent, 5 * kPage, false});
    KEXPECT(offered.has_value());
    Grant grant = std::move(*offered);
    KEXPECT(grant.offered() && !grant.lent());
    KEXPECT(lender->unmap(kLent, 4 * kPage).error() == Error::access_denied);
    KEXPECT(lender->protect(kAfter, kPage, perm::read).error() == Error::access_denied);
    KEXPECT(lender->unmap(kReadOnly, kPage).has_value());  // not lent: free to go

    GrantWindow window;
    auto at = grant.lend(*server, window);
    KEXPECT(at.has_value());
    const uintptr_t base = *at;
    for (size_t i = 0; i < 5; ++i) {
      const auto theirs = server->query(base + i * kPage);
      const auto mine = lender->query(kLent + i * kPage);
      KEXPECT(theirs.has_value() && mine.has_value() && theirs->phys == mine->phys);
      KEXPECT(theirs.has_value() && (theirs->perms & perm::write) == 0);
    }
    KEXPECT(!server->query(base + 5 * kPage).has_value());
    // The server's side: nothing faults in there, and the window is the
    // kernel's (no VM call reaches it, and it cannot be lent on).
    KEXPECT(server->resolve_fault(base, false, false).error() == Error::bad_address);
    KEXPECT(server->resolve_fault(base + 5 * kPage, false, false).error() == Error::bad_address);
    KEXPECT(server->unmap(base, REBOUND_GRANT_MAX).error() == Error::access_denied);
    KEXPECT(server->protect(base, REBOUND_GRANT_MAX, kRW).error() == Error::access_denied);
    KEXPECT(server->map_anonymous(base, kPage, kRW).error() == Error::already_exists);
    KEXPECT(refused(Grant::offer(server, {base, kPage, false}), Error::bad_address));

    grant.end();
    KEXPECT(!grant.offered() && !grant.lent());
    for (size_t i = 0; i < 5; ++i) KEXPECT(!server->query(base + i * kPage).has_value());
    char back[17] = {};
    KEXPECT(lender->copy_in(back, kLent + kPage + 8, sizeof back).has_value());
    KEXPECT(ktest::contains(back, "lent, not copied"));
    KEXPECT(lender->unmap(kLent, 4 * kPage).has_value());
    KEXPECT(lender->protect(kAfter, kPage, perm::read).has_value());
    window.release();
  }
  KEXPECT(ktest::Snapshot::take().same_as(before));
}

KTEST(grant_read_write_and_one_that_ends_unlent) {
  const ktest::Snapshot before = ktest::Snapshot::take();
  {
    Ref<AddressSpace> lender = new_space(), server = new_space();
    KEXPECT(lender->map_anonymous(kLent, 2 * kPage, kRW).has_value());
    {
      // Offered and dropped without a server: unpinned, nothing mapped.
      auto g = Grant::offer(lender, {kLent, 2 * kPage, true});
      KEXPECT(g.has_value());
    }
    KEXPECT(lender->protect(kLent, 2 * kPage, kRW).has_value());
    GrantWindow window;
    auto g = Grant::offer(lender, {kLent, 2 * kPage, true});
    KEXPECT(g.has_value());
    auto at = g->lend(*server, window);
    KEXPECT(at.has_value());
    const auto m = server->query(*at + kPage);
    KEXPECT(m.has_value() && (m->perms & perm::write) != 0);
    // The same window again for the thread's next grant.
    g->end();
    auto g2 = Grant::offer(lender, {kLent + kPage, kPage, false});
    KEXPECT(g2.has_value());
    auto at2 = g2->lend(*server, window);
    KEXPECT(at2.has_value() && *at2 == *at);
    // The lender's space outlives its owner while lent: the grant holds it.
    lender.reset();
    KEXPECT(server->query(*at2).has_value());
  }
  KEXPECT(ktest::Snapshot::take().same_as(before));
}

KTEST(message_buffer_is_mapped_in_its_space_and_the_tas) {
  KEXPECT(core::tas_space() != nullptr);
  const ktest::Snapshot before = ktest::Snapshot::take();
  {
    Ref<AddressSpace> space = new_space();
    auto b = core::MessageBuffer::create(*space);
    KEXPECT(b.has_value());
    if (b) {
      const uintptr_t own = b->address();
      const uintptr_t tas = b->payload_in(core::tas_space());
      KEXPECT(own != 0 && tas != 0);
      KEXPECT_EQ(b->payload_in(space.get()), own);
      KEXPECT(space->copy_out(own + 100, "to the TAS", 11).has_value());
      const auto mine = space->query(own);
      const auto theirs = core::tas_space()->query(tas);
      KEXPECT(mine.has_value() && theirs.has_value() && mine->phys == theirs->phys);
      // The record is the second page, written by the kernel.
      b->record().grant = 0x1234;
      uint64_t seen = 0;
      KEXPECT(space->copy_in(&seen, own + kPage + 8, sizeof seen).has_value());
      KEXPECT_EQ(seen, 0x1234u);
      KEXPECT(space->unmap(own, 2 * kPage).error() == Error::access_denied);
      KEXPECT(!core::tas_space()->query(tas + kPage).has_value());  // not the record
    }
  }
  KEXPECT(ktest::Snapshot::take().same_as(before));
}

KTEST(ipc_bulk_sessions_with_killed_lenders_and_servers_leave_no_trace) {
  KEXPECT(static_cast<bool>(core::name_service()));
  (void)ktest::run_program("ipc_bulk");  // first use grows the TAS's heaps
  const ktest::Snapshot before = ktest::Snapshot::take();
  const core::ExitStatus s = ktest::run_program("ipc_bulk");
  KEXPECT(!s.killed);
  KEXPECT_EQ(s.code, 0);
  KEXPECT(ktest::Snapshot::take().same_as(before));
}
