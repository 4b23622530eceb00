#include "servers/process/process_server.h"

#include "lib/log.h"
#include "recovery/fault_injection.h"
#include "runtime/bulk.h"
#include "servers/process/process_builder.h"
#include "servers/process/program_image.h"

namespace tas {

static_assert(sizeof(rebound_process_entry) == 48);

Result<void> ProcessServer::start() {
  static_assert(sizeof(Table) <= 4096);
  if (devices_ == 0) return fail(Error::bad_handle);
  TRY(memory, lasting_.get(0, []() -> Result<Lasting::Kept> {
    TRY(made, value(RB_SYS1(REBOUND_SYS_MEMORY_CREATE, 4096)));
    return Lasting::Kept{static_cast<rebound_handle>(made), 0};
  }));
  TRY(at, value(RB_SYS6(REBOUND_SYS_VM_MAP_MEMORY, memory.handle, 0, 0, 4096,
                        REBOUND_VM_READ | REBOUND_VM_WRITE, 0)));
  if (auto kept = holdings().keep_mapping(at, 4096); !kept) {
    RB_SYS3(REBOUND_SYS_VM_UNMAP, at, 4096, 0);
    return kept;
  }
  table_ = reinterpret_cast<Table*>(at);
  check_table();
  if (find(table_->init_pid) != nullptr) return watch_init();
  return {};
}

// A table from an earlier generation is trusted entry by entry: each must
// name a process of ours (its handle answers PROCESS_STATUS).
void ProcessServer::check_table() {
  if (table_->magic != kMagic) {
    *table_ = Table{};
    table_->magic = kMagic;
    table_->next_pid = 1;
    return;
  }
  unsigned kept = 0;
  for (Entry& e : table_->entries) {
    if (e.process == 0) continue;
    e.name[REBOUND_PROCESS_NAME_MAX] = '\0';
    if (RB_SYS1(REBOUND_SYS_PROCESS_STATUS, e.process).error != 0 || e.pid == 0) {
      e = Entry{};
      continue;
    }
    ++kept;
  }
  if (table_->next_pid == 0) table_->next_pid = 1;
  KLOG_INFO("process: %u processes known from before the restart", kept);
}

ProcessServer::Entry* ProcessServer::find(uint64_t pid) {
  if (pid == 0) return nullptr;
  for (Entry& e : table_->entries)
    if (e.process != 0 && e.pid == pid) return &e;
  return nullptr;
}

// A free entry, or the one of the process that ended first among those
// listed (its handle closed: its status is gone with it).
ProcessServer::Entry* ProcessServer::free_entry() {
  Entry* oldest_ended = nullptr;
  for (Entry& e : table_->entries) {
    if (e.process == 0) return &e;
    if (RB_SYS1(REBOUND_SYS_PROCESS_STATUS, e.process).value != 0 &&
        (oldest_ended == nullptr || e.pid < oldest_ended->pid))
      oldest_ended = &e;
  }
  if (oldest_ended != nullptr) {
    RB_SYS1(REBOUND_SYS_HANDLE_CLOSE, oldest_ended->process);
    *oldest_ended = Entry{};
  }
  return oldest_ended;
}

rb_message ProcessServer::handle(rb_message& request) {
  switch (request.w[0]) {
    case REBOUND_PROCESS_SPAWN: return spawn(request.w[1], request.w[2]);
    case REBOUND_PROCESS_STATUS: return status(request.w[1]);
    case REBOUND_PROCESS_KILL: return kill(request.w[1]);
    case REBOUND_PROCESS_LIST: return list();
    default: return status_reply(Error::invalid_argument);
  }
}

// Starts the program at `path` and gives it an entry of the table.
Result<ProcessServer::Entry*> ProcessServer::launch(const char* path, process::Strings argv,
                                                    process::Strings env) {
  spawns_.add();
  if (recovery::fault_point("process.spawn")) spawns_.corrupt();
  Entry* entry = free_entry();
  if (entry == nullptr) return fail(Error::limit_reached);
  TRY(image, process::ProgramImage::open(supervisor_, devices_, path));
  TRY(process, process::build_process(image.name(), image.data(), image.size(), argv, env, 0));
  *entry = Entry{table_->next_pid++, process, {}};
  __builtin_memcpy(entry->name, image.name(), __builtin_strlen(image.name()) + 1);
  return entry;
}

// The buffer: the path, argv's strings, then env_count strings of the
// environment.
rb_message ProcessServer::spawn(uint64_t used, uint64_t env_count) {
  const Bytes buffer = request_bulk().buffer;
  if (!buffer) return status_reply(Error::not_found);
  if (used == 0 || used > buffer.size) return status_reply(Error::invalid_argument);
  // The caller may change its buffer meanwhile: work on a copy.
  char block[4096];
  __builtin_memcpy(block, buffer.data, used);
  if (block[used - 1] != '\0') return status_reply(Error::invalid_argument);
  const size_t path_length = __builtin_strlen(block);
  if (path_length == 0) return status_reply(Error::invalid_argument);
  // The environment begins after the last env_count NULs but one.
  size_t env_at = used;
  for (uint64_t n = 0; n < env_count; ++n) {
    if (env_at == path_length + 1) return status_reply(Error::invalid_argument);
    do {
      --env_at;
    } while (block[env_at - 1] != '\0');  // stops at the path's NUL at the latest
  }
  const process::Strings argv{block + path_length + 1, env_at - path_length - 1};
  const process::Strings env{block + env_at, used - env_at};

  auto entry = launch(block, argv, env);
  if (!entry) return status_reply(entry.error());
  const rb_result given =
      RB_SYS2(REBOUND_SYS_HANDLE_DUPLICATE, (*entry)->process,
              REBOUND_RIGHT_WAIT | REBOUND_RIGHT_KILL | REBOUND_RIGHT_DUPLICATE);
  rb_message reply = ok_reply((*entry)->pid);
  if (given.error == 0) reply.handle = static_cast<rebound_handle>(given.value);
  return reply;
}

Result<void> ProcessServer::start_init(process::Strings args) {
  static constexpr char kPath[] = "/bin/init";
  static constexpr char kEnv[] = "PATH=/bin\0HOME=/";
  char argv[sizeof "init" + 256];
  if (args.length > sizeof argv - sizeof "init") return fail(Error::invalid_argument);
  __builtin_memcpy(argv, "init", sizeof "init");
  if (args.length > 0) __builtin_memcpy(argv + sizeof "init", args.block, args.length);
  TRY(entry, launch(kPath, {argv, sizeof "init" + args.length}, {kEnv, sizeof kEnv}));
  table_->init_pid = entry->pid;
  KLOG_INFO("process: /bin/init started (pid %u)", entry->pid);
  return watch_init();
}

Result<void> ProcessServer::watch_init() {
  return holdings().start_thread("init-watch", &heap(), init_watch_main, this);
}

// Waits for init to end, then has the supervisor power off with its status
// (every server stops first). Killed with the generation (a new one waits
// again).
void ProcessServer::init_watch_main(void* self) {
  auto& server = *static_cast<ProcessServer*>(self);
  const Entry* init = server.find(server.table_->init_pid);
  if (init == nullptr) return;
  const rb_result s = RB_SYS1(REBOUND_SYS_PROCESS_WAIT, init->process);
  uint64_t status = s.value & 0xff;
  if (s.error != 0) {
    KLOG_ERROR("process: cannot wait for init: %s",
               rebound::to_string(static_cast<Error>(s.error)));
    status = kInitKilledStatus;
  } else if ((s.value & REBOUND_STATUS_KILLED) != 0) {
    KLOG_INFO("process: init killed (fault %lu at %p)",
              static_cast<unsigned long>((s.value >> REBOUND_STATUS_FAULT_SHIFT) & 0xff),
              reinterpret_cast<void*>(s.value2));
    status = kInitKilledStatus;
  } else {
    KLOG_INFO("process: init exited with code %lu: power off", static_cast<unsigned long>(status));
  }
  server.supervisor_.power_off(status);
}

rb_message ProcessServer::status(uint64_t pid) {
  const Entry* e = find(pid);
  if (e == nullptr) return status_reply(Error::not_found);
  const rb_result s = RB_SYS1(REBOUND_SYS_PROCESS_STATUS, e->process);
  if (s.error != 0) return status_reply(static_cast<Error>(s.error));
  const bool ended = (s.value & REBOUND_STATUS_ENDED) != 0;
  return ok_reply(ended ? 1 : 0, s.value & ~REBOUND_STATUS_ENDED, s.value2);
}

rb_message ProcessServer::kill(uint64_t pid) {
  const Entry* e = find(pid);
  if (e == nullptr) return status_reply(Error::not_found);
  return status_reply(static_cast<Error>(RB_SYS1(REBOUND_SYS_PROCESS_KILL, e->process).error));
}

rb_message ProcessServer::list() {
  const Bytes buffer = request_bulk().buffer;
  if (!buffer) return status_reply(Error::not_found);
  auto* out = reinterpret_cast<rebound_process_entry*>(buffer.data);
  uint64_t n = 0;
  for (const Entry& e : table_->entries) {
    if (e.process == 0 || (n + 1) * sizeof *out > buffer.size) continue;
    const uint64_t s = RB_SYS1(REBOUND_SYS_PROCESS_STATUS, e.process).value;
    rebound_process_entry r{};
    r.pid = e.pid;
    r.ended = (s & REBOUND_STATUS_ENDED) != 0 ? 1 : 0;
    r.status = s & ~REBOUND_STATUS_ENDED;
    __builtin_memcpy(r.name, e.name, sizeof r.name);
    __builtin_memcpy(&out[n++], &r, sizeof r);
  }
  return ok_reply(n);
}

}  // namespace tas
