#include "ionbath/app/cli.hpp"

int main(int argc, char **argv) {
  return ionbath::app::main(argc, argv);
}
