/* For test programs on a test build: arming the TAS's fault-injection
   sites through its "faults" service (abi/rebound/services.h), and the
   kernel's count of frames in use (to see that recovery kept none). */
#ifndef REBOUND_USER_FAULTS_H
#define REBOUND_USER_FAULTS_H

#include "rb_service.h"
#include "rebound/diagnostics.h"

/* The next `count` passes through `site` do `kind` (REBOUND_INJECT_*);
   returns the error. */
static inline uint64_t rb_faults_arm(rebound_handle faults, const char* site, uint64_t kind,
                                     uint64_t count) {
  struct rb_message m = {{REBOUND_FAULTS_ARM, 0, 0, 0, 0, 0}, 0};
  if (!rb_pack_name(&m, site)) return invalid_argument;
  m.w[5] = kind | count << 32;
  return rb_service_call(faults, &m);
}

/* Frames in use in the whole system (0 if the snapshot fails). */
static inline uint64_t rb_frames_used(void) {
  struct rebound_resource_snapshot s;
  if (RB_SYS1(REBOUND_SYS_DEBUG_SNAPSHOT, &s).error != 0) return 0;
  return s.frames_used;
}

#endif
