# CPack configuration: `cpack -G DEB` in a build tree gives a Debian package
# with the preload library, the autoseal tool, the man pages and the example
# configuration.  Configure with -DCMAKE_INSTALL_PREFIX=/usr for a package
# that installs under /usr: the package uses the same prefix as the build, so
# the library lands exactly at the path compiled into the tool
# (AUTOSEAL_PKGLIBDIR).
set(CPACK_PACKAGE_NAME autoseal)
set(CPACK_PACKAGE_VENDOR "autoseal")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "autoseal maintainers <autoseal@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "seal the ELF images of unmodified programs with mseal(2)")
set(CPACK_PACKAGE_DESCRIPTION
    "libautoseal.so is an LD_PRELOAD library that seals, at startup, the read-only \
and executable parts of every loaded ELF object with mseal(2) (Linux 6.10+). \
The autoseal tool runs programs with it, reports what is sealed in running \
processes, checks binaries and writes systemd drop-ins.")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# dpkg-shlibdeps computes the dependencies (libc6, libelf1).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_OUTPUT_FILE_PREFIX "${PROJECT_BINARY_DIR}/packages")
set(CPACK_SOURCE_IGNORE_FILES "/build.*/" "/\\\\.git/")
include(CPack)
