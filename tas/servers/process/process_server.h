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
//
// At boot the TAS asks it to start /bin/init (start_init); a thread of the
// server's waits for init to end and then powers the machine off with init's
// status (a new generation waits again).
#pragma once
#include "rebound/services.h"
#include "runtime/checked_count.h"
#include "runtime/serve.h"
#include "runtime/supervisor.h"
#include "servers/process/process_builder.h"

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

  // Starts /bin/init with `args` (its argv after argv[0]: the words after
  // "--" on the kernel command line) and the default environment, and
  // watches it. In-TAS, once every server serves.
  Result<void> start_init(process::Strings args);
  // The status QEMU exits with when init was killed (as the kernel's run=).
  static constexpr uint64_t kInitKilledStatus = 4;

 private:
  struct Entry {
    uint32_t pid;
    rebound_handle process;  // every right; 0: a free entry
    char name[REBOUND_PROCESS_NAME_MAX + 1];
  };
  struct Table {
    uint64_t magic;
    uint32_t next_pid;
    uint32_t init_pid;  // 0: none started
    Entry entries[kMaxProcesses];
  };
  static constexpr uint64_t kMagic = 0x7461626c'70726f64;  // "dorptabl"

  void check_table();
  Entry* find(uint64_t pid);
  Entry* free_entry();
  Result<Entry*> launch(const char* path, process::Strings argv, process::Strings env);
  Result<void> watch_init();
  static void init_watch_main(void* self);
  rb_message spawn(uint64_t used, uint64_t env_count);
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
