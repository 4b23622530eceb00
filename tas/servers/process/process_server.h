// The process service ("process"): starts programs (SPAWN, by path, with
// arguments: the ELF is read through the file-system server and the process
// built here, program_image.h and process_builder.h),
// and knows every process it started by a process id: STATUS, KILL, LIST
// (for `ps`). The caller of SPAWN gets the process's handle too, to wait for
// it with PROCESS_WAIT (a fault that killed it comes with its status).
//
// The table of processes lives outside the server's heap, in a memory object
// that lasts across its restarts (runtime/lasting.h): a new generation knows
// every process the old one started, after checking each entry.
#pragma once
#include "rebound/services.h"
#include "runtime/checked_count.h"
#include "runtime/serve.h"
#include "runtime/supervisor.h"

namespace tas {

class ProcessServer final : public Server {
 public:
  static constexpr const char* kService = "process";
  static constexpr unsigned kMaxProcesses = 32;

  explicit ProcessServer(const Services& services)
      : supervisor_(services.supervisor), devices_(services.devices), lasting_(services.lasting) {}
  Result<void> start() override;
  rb_message handle(rb_message& request) override;
  // The count of spawns, kept twice, agrees (fault site "process.spawn").
  bool state_ok() const override { return spawns_.ok(); }

 private:
  struct Entry {
    uint32_t pid;
    rebound_handle process;  // every right; 0: a free entry
    char name[REBOUND_PROCESS_NAME_MAX + 1];
  };
  struct Table {
    uint64_t magic;
    uint32_t next_pid;
    uint32_t unused;
    Entry entries[kMaxProcesses];
  };
  static constexpr uint64_t kMagic = 0x7461626c'70726f63;  // "proctabl"

  void check_table();
  Entry* find(uint64_t pid);
  Entry* free_entry();
  rb_message spawn(uint64_t used);
  rb_message status(uint64_t pid);
  rb_message kill(uint64_t pid);
  rb_message list();

  Supervisor& supervisor_;
  const rebound_handle devices_;
  Lasting& lasting_;
  Table* table_ = nullptr;  // in the lasting memory, mapped by this generation
  CheckedCount spawns_;
};

}  // namespace tas
