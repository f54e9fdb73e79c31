// sievectl select as a user runs it: real files, real process, exit codes and messages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/testing/datasets.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace sieve {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class SievectlSelectTest : public ::testing::Test {
 protected:
  testing::CommandResult Select(const std::string& args) {
    return testing::RunCommand(std::string(SIEVECTL_PATH) + " select --quiet " + args);
  }
  // A small table where f1 and f3 decide the label.
  std::string PlantedCsv() {
    std::vector<int> planted;
    Dataset d = testing::GaussianFeatures(600, 8, 3);
    std::string text = "f0,f1,f2,f3,f4,f5,f6,f7,label\n";
    for (size_t r = 0; r < d.rows; ++r) {
      for (size_t c = 0; c < d.cols; ++c) text += std::to_string(d.at(r, c)) + ",";
      text += d.at(r, 1) + d.at(r, 3) > 0 ? "yes\n" : "no\n";
    }
    return dir_.Write("planted.csv", text);
  }
  testing::TempDir dir_;
};

TEST_F(SievectlSelectTest, SelectsPlantedFeaturesAndWritesJson) {
  const std::string out = dir_.File("result.json");
  const auto r = Select("--input " + PlantedCsv() + " --label label --k 2 --seed 1 --output " + out);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("rank  feature"));
  EXPECT_THAT(r.out, HasSubstr("validation accuracy"));
  std::ifstream in(out);
  const nlohmann::json j = nlohmann::json::parse(in);
  std::vector<std::string> selected = j["selected"];
  std::sort(selected.begin(), selected.end());
  EXPECT_EQ(selected, (std::vector<std::string>{"f1", "f3"}));
  EXPECT_EQ(j["options"]["k"], 2);
  EXPECT_EQ(j["options"]["seed"], 1);
  EXPECT_EQ(j["options"]["algorithm"], "sequential_attention");
  EXPECT_GT(j["metrics"]["validation"]["accuracy"].get<double>(), 0.85);
  EXPECT_EQ(j["data"]["classes"], (std::vector<std::string>{"no", "yes"}));
  EXPECT_GE(j["timings"]["wall_seconds"].get<double>(), 0.0);
  EXPECT_EQ(j["features"][0]["rank"], 1);
}

// With --validation-fraction 0 every row is used for selecting (the user scores the
// result on data of their own); nothing is reported as a validation score.
TEST_F(SievectlSelectTest, ValidationFractionZeroSelectsOnEveryRow) {
  const std::string out = dir_.File("all.json");
  const auto r = Select("--input " + PlantedCsv() +
                        " --label label --k 2 --seed 1 --validation-fraction 0 --output " + out);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("no validation score: selected on all 600 rows"));
  EXPECT_THAT(r.out, Not(HasSubstr("validation accuracy")));
  std::ifstream in(out);
  const nlohmann::json j = nlohmann::json::parse(in);
  std::vector<std::string> selected = j["selected"];
  std::sort(selected.begin(), selected.end());
  EXPECT_EQ(selected, (std::vector<std::string>{"f1", "f3"}));
  EXPECT_EQ(j["data"]["train_rows"], 600);
  EXPECT_EQ(j["data"]["validation_rows"], 0);
  EXPECT_TRUE(j["metrics"]["validation"].is_null());
}

TEST_F(SievectlSelectTest, EveryBaselineRuns) {
  const std::string csv = PlantedCsv();
  for (const char* algorithm : {"omp", "group_lasso", "mutual_info", "f_test", "random"}) {
    const auto r = Select("--input " + csv + " --label label --k 3 --algorithm " + algorithm);
    EXPECT_EQ(r.exit_code, 0) << algorithm << ": " << r.out;
    EXPECT_THAT(r.out, HasSubstr(std::string(algorithm) + ": 3 of 8 features"));
  }
}

TEST_F(SievectlSelectTest, MissingValuesAreImputedAndCounted) {
  const auto csv = dir_.Write("m.csv", "a,b,label\n1,,0\n2,NA,1\n3,1,0\n4,2,1\n5,1,0\n6,3,1\n7,,0\n8,4,1\n9,1,0\n10,5,1\n");
  const auto r = Select("--input " + csv + " --label label --k 1 --algorithm f_test");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("3 missing cells imputed"));
}

// A text column declared categorical in the schema is one selectable unit.
TEST_F(SievectlSelectTest, TextColumnsAreCategoricalsWithASchema) {
  std::string text = "city,noise,label\n";
  const char* cities[] = {"Oslo", "Lima", "Pune", "Kyiv"};
  for (int i = 0; i < 400; ++i) {
    const int c = (i * 7) % 4;
    text += std::string(cities[c]) + "," + std::to_string((i * 37) % 11) + "," + (c % 2 ? "1" : "0") + "\n";
  }
  const auto csv = dir_.Write("cities.csv", text);
  const auto schema = dir_.Write("schema.yaml",
                            "features:\n  - {name: city, kind: categorical, buckets: 64, embedding_dim: 4}\n");
  const auto r = Select("--input " + csv + " --label label --k 1 --schema " + schema);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("city"));
  EXPECT_THAT(r.out, HasSubstr("categorical"));
  const auto without = Select("--input " + csv + " --label label --k 1");
  EXPECT_EQ(without.exit_code, 1);
  EXPECT_THAT(without.out, HasSubstr("column 'city' has the non-numeric value"));
}

struct BadInput {
  const char* name;
  const char* csv;      // nullptr: the file does not exist
  const char* args;     // extra arguments
  const char* message;  // expected part of the error
};

class SievectlSelectErrorTest : public SievectlSelectTest,
                                public ::testing::WithParamInterface<BadInput> {};

TEST_P(SievectlSelectErrorTest, FailsWithAClearMessage) {
  const BadInput& p = GetParam();
  const std::string path = p.csv ? dir_.Write("in.csv", p.csv) : dir_.File("absent.csv");
  const auto r = Select("--input " + path + " " + p.args);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_THAT(r.out, HasSubstr(p.message));
  EXPECT_THAT(r.out, Not(HasSubstr("terminate")));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SievectlSelectErrorTest,
    ::testing::Values(
        BadInput{"MissingFile", nullptr, "--label y --k 1", "cannot open"},
        BadInput{"NoLabelColumn", "a,b,c\n1,2,3\n", "--label y --k 1", "no column 'y' in"},
        BadInput{"NoLabelColumnListsColumns", "a,b,c\n1,2,3\n", "--label y --k 1", "its columns are: a, b, c"},
        BadInput{"NonNumericCell", "a,b,y\n1,2,0\n3,oops,1\n", "--label y --k 1",
                 "in.csv:3:2: column 'b' has the non-numeric value 'oops'"},
        BadInput{"EmptyFile", "", "--label y --k 1", "is empty"},
        BadInput{"RaggedRow", "a,b,y\n1,2,0\n3,4\n", "--label y --k 1", "in.csv:3: the row has 2 fields, the header has 3"},
        BadInput{"KTooLarge", "a,b,y\n1,2,0\n3,4,1\n", "--label y --k 3",
                 "k = 3 is larger than the number of features (2)"},
        BadInput{"InfiniteCell", "a,b,y\n1,-inf,0\n3,4,1\n", "--label y --k 1", "in.csv:2:2: column 'b' has an infinite value"},
        BadInput{"OneClass", "a,b,y\n1,2,0\n3,4,0\n", "--label y --k 1 --task classification",
                 "only one class"},
        BadInput{"ValidationFractionOne", "a,b,y\n1,2,0\n3,4,1\n", "--label y --k 1 --validation-fraction 1",
                 "validation fraction must be in (0, 1), got 1"},
        BadInput{"ValidationFractionNegative", "a,b,y\n1,2,0\n3,4,1\n", "--label y --k 1 --validation-fraction -0.5",
                 "validation fraction must be in (0, 1), got -0.5"},
        BadInput{"UnknownAlgorithm", "a,b,y\n1,2,0\n3,4,1\n", "--label y --k 1 --algorithm lasso",
                 "unknown algorithm 'lasso'"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace sieve
