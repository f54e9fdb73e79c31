// Validation figures of a model, as stored with every feature-set version.
#pragma once

#include <cmath>
#include <limits>
#include <string>

#include "core/dataset.h"

namespace sieve {

struct Metrics {
  Task task = Task::kClassification;
  double loss = std::numeric_limits<double>::quiet_NaN();      // mean training loss function
  double accuracy = std::numeric_limits<double>::quiet_NaN();  // classification only
  double rmse = std::numeric_limits<double>::quiet_NaN();      // regression only
  double r2 = std::numeric_limits<double>::quiet_NaN();        // regression only

  // The headline figure, larger is better: accuracy, or R^2 for regression.
  double primary() const { return task == Task::kRegression ? r2 : accuracy; }
  // "accuracy" or "r2".
  std::string primary_name() const { return task == Task::kRegression ? "r2" : "accuracy"; }
};

}  // namespace sieve
