#include "connectors/files/csv_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <fstream>

#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace sieve {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class CsvTableTest : public ::testing::Test {
 protected:
  Result<CsvTable> Load(const std::string& path, Task task = Task::kAuto) {
    return LoadCsvTable(path, {.label_column = "label", .task = task});
  }
  testing::TempDir dir_;
};

TEST_F(CsvTableTest, ReadsNumbersQuotedHeadersAndTextLabels) {
  const auto path = dir_.Write("t.csv", "\"a\",\"b c\",label\n1,2.5,cat\n3,-4e2,dog\n5,6,cat\n");
  ASSERT_OK_AND_ASSIGN(CsvTable t, Load(path));
  EXPECT_EQ(t.data.rows, 3u);
  EXPECT_THAT(t.data.feature_names, ElementsAre("a", "b c"));
  EXPECT_THAT(t.data.values, ElementsAre(1, 2.5, 3, -400, 5, 6));
  EXPECT_EQ(t.data.task, Task::kClassification);
  EXPECT_THAT(t.data.class_names, ElementsAre("cat", "dog"));
  EXPECT_THAT(t.data.labels, ElementsAre(0, 1, 0));
}

TEST_F(CsvTableTest, ReadsGzipAndCountsMissingValues) {
  const std::string path = dir_.File("t.csv.gz");
  gzFile f = gzopen(path.c_str(), "wb");
  const std::string text = "x,label,y\n1,0,NA\n,1,2\n3,2,4\n";
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
  ASSERT_OK_AND_ASSIGN(CsvTable t, Load(path));
  EXPECT_EQ(t.missing_cells, 2u);
  EXPECT_TRUE(std::isnan(t.data.at(0, 1)));
  EXPECT_TRUE(std::isnan(t.data.at(1, 0)));
  EXPECT_EQ(t.data.at(2, 1), 4.0f);
  EXPECT_EQ(t.data.num_classes, 3);
}

TEST_F(CsvTableTest, CategoricalColumnsAcceptTextAsStableCodes) {
  const auto path = dir_.Write("c.csv", "genre,x,label\nDrama,1,0\nComedy,2,1\nDrama,3,0\n17,4,1\n,5,0\n");
  ASSERT_OK_AND_ASSIGN(CsvTable t, LoadCsvTable(path, {.label_column = "label", .categorical_columns = {"genre"}}));
  EXPECT_EQ(t.data.at(0, 0), t.data.at(2, 0));  // same text, same code
  EXPECT_NE(t.data.at(0, 0), t.data.at(1, 0));
  EXPECT_EQ(t.data.at(3, 0), 17.0f);           // integer codes pass through
  EXPECT_TRUE(std::isnan(t.data.at(4, 0)));    // missing stays missing
  EXPECT_EQ(t.missing_cells, 1u);
  // Text elsewhere is still an error, and a schema column that does not exist is named.
  EXPECT_STATUS(LoadCsvTable(path, {.label_column = "label"}), StatusCode::kInvalidArgument,
                HasSubstr("column 'genre' has the non-numeric value 'Drama'"));
  EXPECT_STATUS(LoadCsvTable(path, {.label_column = "label", .categorical_columns = {"year"}}),
                StatusCode::kNotFound, HasSubstr("categorical feature 'year' is not a column"));
}

TEST_F(CsvTableTest, ManyDistinctNumbersAreRegression) {
  std::string text = "x,label\n";
  for (int i = 0; i < 80; ++i) text += std::to_string(i) + "," + std::to_string(i * 1.5) + "\n";
  ASSERT_OK_AND_ASSIGN(CsvTable t, Load(dir_.Write("r.csv", text)));
  EXPECT_EQ(t.data.task, Task::kRegression);
  EXPECT_FLOAT_EQ(t.data.labels[3], 4.5f);
  ASSERT_OK_AND_ASSIGN(CsvTable c, Load(dir_.Write("r.csv", text), Task::kClassification));
  EXPECT_EQ(c.data.num_classes, 80);
}

TEST_F(CsvTableTest, ErrorsNameTheFileLineAndColumn) {
  EXPECT_STATUS(Load(dir_.File("nope.csv")), StatusCode::kNotFound,
                HasSubstr("cannot open '" + dir_.File("nope.csv") + "'"));
  EXPECT_STATUS(Load(dir_.Write("e.csv", "")), StatusCode::kInvalidArgument, HasSubstr("is empty"));
  EXPECT_STATUS(Load(dir_.Write("h.csv", "a,label\n")), StatusCode::kInvalidArgument,
                HasSubstr("header but no data rows"));
  EXPECT_STATUS(Load(dir_.Write("n.csv", "a,b,target\n1,2,3\n")), StatusCode::kNotFound,
                HasSubstr("no column 'label' in " + dir_.File("n.csv") + "; its columns are: a, b, target"));
  const auto bad = dir_.Write("b.csv", "a,b,label\n1,2,0\n3,x7,1\n");
  EXPECT_STATUS(Load(bad), StatusCode::kInvalidArgument,
                HasSubstr(bad + ":3:2: column 'b' has the non-numeric value 'x7'"));
  const auto ragged = dir_.Write("g.csv", "a,b,label\n1,2,0\n3,1\n");
  EXPECT_STATUS(Load(ragged), StatusCode::kInvalidArgument,
                HasSubstr(ragged + ":3: the row has 2 fields, the header has 3"));
  const auto inf = dir_.Write("i.csv", "a,b,label\n1,inf,0\n");
  EXPECT_STATUS(Load(inf), StatusCode::kInvalidArgument, HasSubstr(inf + ":2:2: column 'b' has an infinite value"));
  const auto nolabel = dir_.Write("l.csv", "a,label\n1,\n");
  EXPECT_STATUS(Load(nolabel), StatusCode::kInvalidArgument, HasSubstr(nolabel + ":2:2: the label 'label' is missing"));
  const auto dup = dir_.Write("d.csv", "a,a,label\n1,2,0\n");
  EXPECT_STATUS(Load(dup), StatusCode::kInvalidArgument, HasSubstr("'a' appears twice"));
}

}  // namespace
}  // namespace sieve
