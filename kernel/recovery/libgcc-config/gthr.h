/* Rebound: no gthreads. The unwinder's only use of them is a once-init of a
   register-size table, which is idempotent; the kernel forces it at boot with
   a first throw, before other CPUs run. */
