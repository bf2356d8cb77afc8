# CPack: `cpack` in a build tree makes a plain tarball of the install tree
# (packages/autoseal-VERSION-Linux.tar.gz), for systems without a package
# of their own.  Debian packages come from debian/ (dpkg-buildpackage -b):
# three packages, maintainer scripts that keep /etc/ld.so.preload safe,
# lintian-clean; CPack's DEB generator cannot do that and is not used.
set(CPACK_PACKAGE_NAME autoseal)
set(CPACK_PACKAGE_VENDOR "autoseal")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "seal the ELF images of unmodified programs with mseal(2)")
set(CPACK_GENERATOR TGZ)
set(CPACK_OUTPUT_FILE_PREFIX "${PROJECT_BINARY_DIR}/packages")
set(CPACK_SOURCE_IGNORE_FILES "/build.*/" "/\\\\.git/" "/obj-.*/")
include(CPack)
