// The symbolic-regression task's data (src/tasks/symbolic_regression_task.cpp describes the problems).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace neuroevo {

class GpProgram;

struct RegressionData {
  size_t rows = 0;
  std::vector<double> x;  // column-major: x[v * rows + r]
  std::vector<double> y;
};

struct RegressionProblem {
  std::string name;
  std::vector<std::string> variables;
  RegressionData train, test;
};

// A named benchmark problem, its points drawn from `seed`; throws UsageError for an unknown name.
RegressionProblem make_regression_problem(const std::string& name, uint64_t seed);
std::vector<std::string> regression_problem_names();
// A CSV file with a header row; throws UsageError naming the file (and line / column) on bad input.
RegressionProblem load_regression_csv(const std::string& path, const std::string& target, double test_fraction,
                                      uint64_t seed);
// Root-mean-square error of the program on the data (NaN or infinity when the program overflows).
double regression_rmse(const GpProgram& program, const RegressionData& d);

}  // namespace neuroevo
