# GCC's DWARF unwinder, built at build time from Debian's gcc-12-source with
# kernel flags (no FP/SIMD, no red zone). Only the unwinder proper
# (unwind-dw2.c) is used; FDE lookup is ours (kernel/recovery/eh_frame_hdr.cpp).
# Included at the top level: the kernel and the TAS both build it.
set(GCC_SOURCE_TARBALL /usr/src/gcc-12/gcc-12.2.0-dfsg.tar.xz)
set(GCC_SRC ${CMAKE_BINARY_DIR}/gcc-src/gcc-12.2.0)
set(GCC_FILES
  libgcc/unwind-dw2.c libgcc/unwind-dw2.h libgcc/unwind-dw2-fde.h
  libgcc/unwind-generic.h libgcc/unwind-pe.h libgcc/unwind.inc
  libgcc/config/aarch64/aarch64-unwind.h
  include/dwarf2.h include/dwarf2.def)
set(GCC_OUTPUTS)
foreach(f ${GCC_FILES})
  list(APPEND GCC_OUTPUTS ${GCC_SRC}/${f})
endforeach()
list(TRANSFORM GCC_FILES PREPEND gcc-12.2.0/ OUTPUT_VARIABLE GCC_MEMBERS)
add_custom_command(
  OUTPUT ${GCC_OUTPUTS} ${CMAKE_BINARY_DIR}/gcc-src/include/unwind.h
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/gcc-src/include
  COMMAND tar -xJf ${GCC_SOURCE_TARBALL} -C ${CMAKE_BINARY_DIR}/gcc-src ${GCC_MEMBERS}
  COMMAND ${CMAKE_COMMAND} -E copy ${GCC_SRC}/libgcc/unwind-generic.h
          ${CMAKE_BINARY_DIR}/gcc-src/include/unwind.h
  COMMAND ${CMAKE_COMMAND} -E touch ${GCC_OUTPUTS}
  DEPENDS ${GCC_SOURCE_TARBALL}
  COMMENT "Unpacking GCC's unwinder from gcc-12-source")

add_custom_target(gcc_unwind_source DEPENDS ${GCC_OUTPUTS})

# The rest of the C++ runtime both link with it: the toolchain's libsupc++
# (C++ ABI, personality, RTTI) and libgcc.
execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=libsupc++.a
  OUTPUT_VARIABLE LIBSUPCXX OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-libgcc-file-name
  OUTPUT_VARIABLE LIBGCC OUTPUT_STRIP_TRAILING_WHITESPACE)

# A static library `name` of the unwinder, compiled with `flags` (the kernel
# and the TAS each build their own: their flags differ).
function(rebound_unwinder name)
  add_library(${name} STATIC ${GCC_SRC}/libgcc/unwind-dw2.c)
  add_dependencies(${name} gcc_unwind_source)
  target_include_directories(${name} BEFORE PRIVATE
    ${CMAKE_SOURCE_DIR}/kernel/recovery/libgcc-config
    ${CMAKE_BINARY_DIR}/gcc-src/include
    ${GCC_SRC}/libgcc ${GCC_SRC}/include)
  target_compile_definitions(${name} PRIVATE IN_LIBGCC2 inhibit_libc
    REBOUND_ARCH_${REBOUND_ARCH})
  # Third-party code: our warnings are not its warnings.
  target_compile_options(${name} PRIVATE -fbuilding-libgcc -w -std=gnu11 ${ARGN})
endfunction()
