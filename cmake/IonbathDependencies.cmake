# All third-party dependencies come from Debian 12 packages (scripts/setup.sh installs them).
# They are collected in one interface target, ionbath::deps.
find_package(MPI REQUIRED COMPONENTS C CXX)

set(HDF5_PREFER_PARALLEL TRUE)
find_package(HDF5 REQUIRED COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR "HDF5 is not the parallel build: install libhdf5-openmpi-dev (scripts/setup.sh)")
endif()

find_package(PkgConfig REQUIRED)
pkg_check_modules(FFTW3 REQUIRED IMPORTED_TARGET fftw3)
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(fmt REQUIRED)
find_package(ZLIB REQUIRED)                                     # zlib1g-dev (gzip trajectories)
find_package(tomlplusplus QUIET)
find_package(CLI11 QUIET)
find_package(yaml-cpp REQUIRED)                                 # libyaml-cpp-dev (phonopy files)

find_path(RANDOM123_INCLUDE_DIR Random123/philox.h REQUIRED)   # librandom123-dev
find_path(CUBATURE_INCLUDE_DIR cubature.h REQUIRED)             # libcubature-dev
find_library(CUBATURE_LIB cubature REQUIRED)
find_path(TOMLPP_INCLUDE_DIR toml++/toml.h REQUIRED)            # libtomlplusplus-dev
find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)               # libcli11-dev

add_library(ionbath_deps INTERFACE)
add_library(ionbath::deps ALIAS ionbath_deps)
target_link_libraries(ionbath_deps INTERFACE MPI::MPI_CXX HDF5::HDF5 PkgConfig::FFTW3 Eigen3::Eigen
  fmt::fmt ZLIB::ZLIB yaml-cpp ${CUBATURE_LIB})
target_include_directories(ionbath_deps SYSTEM INTERFACE ${RANDOM123_INCLUDE_DIR} ${CUBATURE_INCLUDE_DIR}
  ${TOMLPP_INCLUDE_DIR} ${CLI11_INCLUDE_DIR})
# toml++ is used header-only (TOML_HEADER_ONLY=1) so no compiled library is needed.
target_compile_definitions(ionbath_deps INTERFACE TOML_HEADER_ONLY=1 TOML_EXCEPTIONS=1)
