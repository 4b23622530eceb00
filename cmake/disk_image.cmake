# The disk image: an ext2 file system (revision 1, 1 KiB blocks) holding
# /bin -- every user program -- and what user/rootfs/ holds (/etc/rc, ...),
# made at build time by e2fsprogs' `mke2fs -d`. The kernel carries it as
# boot image "disk", which the TAS's block server serves as a RAM disk when
# no disk is attached; tests copy it to attach it as a virtio-blk disk.
# rebound_disk_image(OUT NAME ELF NAME ELF ...) sets REBOUND_DISK_IMAGE.
find_program(MKE2FS mke2fs PATHS /usr/sbin /sbin REQUIRED)

function(rebound_disk_image out)
  set(stage ${CMAKE_CURRENT_BINARY_DIR}/rootfs)
  set(rootfs ${CMAKE_SOURCE_DIR}/user/rootfs)
  file(GLOB_RECURSE root_files CONFIGURE_DEPENDS ${rootfs}/*)
  set(copies)
  set(elfs)
  set(args ${ARGN})
  while(args)
    list(POP_FRONT args name elf)
    list(APPEND copies COMMAND ${CMAKE_COMMAND} -E copy ${elf} ${stage}/bin/${name})
    list(APPEND elfs ${elf})
  endwhile()
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E rm -rf ${stage}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${stage}/bin
    COMMAND ${CMAKE_COMMAND} -E copy_directory ${rootfs} ${stage}
    ${copies}
    COMMAND ${CMAKE_COMMAND} -E rm -f ${out}
    COMMAND ${MKE2FS} -q -F -t ext2 -r 1 -b 1024 -L rebound -E root_owner=0:0 -d ${stage}
            ${out} 8M
    DEPENDS ${elfs} ${root_files}
    COMMENT "Disk image (ext2) ${out}")
  add_custom_target(disk_image DEPENDS ${out})
  set(REBOUND_DISK_IMAGE ${out} PARENT_SCOPE)
endfunction()
