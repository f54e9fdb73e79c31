# Installation layout beyond the binaries (each program's CMakeLists installs itself),
# and the Debian package built by CPack:
#   cmake --install build --prefix /usr      # or: cd build && cpack -G DEB
#
#   /usr/bin/{sieved,sievectl,sieve-kafka-dev,sieve-generate}
#   /usr/share/sieve/examples/*.yaml               config/examples
#   /usr/lib/systemd/system/sieved.service         deploy/systemd
#   /usr/share/sieve/deploy/{prometheus,grafana,kubernetes}
#   /usr/share/doc/sieve/operations.md
# The package's postinst creates the system user `sieve` and /etc/sieve; the operator
# writes /etc/sieve/sieve.yaml (see docs/operations.md).

file(GLOB SIEVE_EXAMPLE_CONFIGS ${PROJECT_SOURCE_DIR}/config/examples/*.yaml)
install(FILES ${SIEVE_EXAMPLE_CONFIGS} DESTINATION ${CMAKE_INSTALL_DATADIR}/sieve/examples)
# Relative to the prefix, so /usr/lib/systemd/system for the package.
install(FILES ${PROJECT_SOURCE_DIR}/deploy/systemd/sieved.service
        DESTINATION lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/prometheus/sieve-rules.yaml
              ${PROJECT_SOURCE_DIR}/deploy/prometheus/sieve-rules_test.yaml
              ${PROJECT_SOURCE_DIR}/deploy/prometheus/prometheus.yml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/sieve/deploy/prometheus)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/grafana/sieve.json
        DESTINATION ${CMAKE_INSTALL_DATADIR}/sieve/deploy/grafana)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/deploy/kubernetes/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/sieve/deploy/kubernetes)
if(EXISTS ${PROJECT_SOURCE_DIR}/docs/operations.md)
  install(FILES ${PROJECT_SOURCE_DIR}/docs/operations.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME sieve)
set(CPACK_PACKAGE_VENDOR "sieve")
set(CPACK_PACKAGE_CONTACT "sieve maintainers <sieve@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Continuous budget-aware feature selection (Sequential Attention) over Kafka streams")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/sieve/sieve")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/cmake/debian/postinst ${PROJECT_SOURCE_DIR}/cmake/debian/prerm
    ${PROJECT_SOURCE_DIR}/cmake/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
if(SIEVE_NATIVE)
  message(STATUS "packaging: SIEVE_NATIVE is ON, so a package built here only runs on CPUs "
                 "like this one; configure with -DSIEVE_NATIVE=OFF for packages to ship")
endif()
