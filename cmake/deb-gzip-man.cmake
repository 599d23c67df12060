# CPACK_PRE_BUILD_SCRIPTS: in the .deb, man pages are gzip -9n compressed, as
# Debian policy (12.1) asks; `cmake --install` keeps them plain.
if(CPACK_GENERATOR STREQUAL "DEB")
  file(GLOB_RECURSE pt_man_pages LIST_DIRECTORIES false
       "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/share/man/man[1-9]/*.[1-9]")
  foreach(page ${pt_man_pages})
    execute_process(COMMAND gzip -9nf "${page}" RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "gzip -9n ${page} failed (${rc})")
    endif()
  endforeach()
endif()
