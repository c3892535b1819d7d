// One GoogleTest main for every test binary, wrapped in MPI init/finalize (Cabana style).
#include "ionbath/parallel/comm.hpp"

#include <gtest/gtest.h>

int main(int argc, char **argv) {
  ionbath::parallel::Environment env(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  // Only rank 0 prints the progress of a multi-rank test run.
  if (ionbath::parallel::Communicator::world().rank() != 0) {
    auto &listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  return RUN_ALL_TESTS();
}
