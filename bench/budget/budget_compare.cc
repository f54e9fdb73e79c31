// budget_compare: validation quality against budget use for three ways of choosing
// features under serving budgets, at three budget levels, on
//   - MovieLens ratings (predict rating >= 4 from user, movie, genres, year and time
//     features; categoricals hashed and embedded, numerics standardised), and
//   - a synthetic CTR stream with planted crosses, cheap proxies and costly features.
// Methods: budget-aware Sequential Attention (cost exponent 1); cost-blind Sequential
// Attention, then the costliest features dropped until within budget; mutual
// information ranking, then the same truncation. Every selection is scored by the
// same fresh model (one hidden layer of 32) on the same validation rows.
//
// Usage: budget_compare [--movielens PATH/movielens.csv.gz] [--seed S] [--k K]
// Prints one markdown table.
#include <csv.h>
#include <zlib.h>

#include <Eigen/Core>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "core/budget.h"
#include "core/budgeted_selection.h"
#include "core/cross_search.h"
#include "core/rng.h"
#include "core/structured_data.h"
#include "core/structured_model.h"

namespace sieve {
namespace {

// ---------------------------------------------------------------------------------------
// Data

struct CsvRows {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
};

Result<std::vector<std::vector<std::string>>> ReadGzipCsv(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return Err(Status::NotFound("cannot open " + path));
  csv_parser parser;
  csv_init(&parser, CSV_APPEND_NULL);
  CsvRows out;
  auto on_field = [](void* s, size_t len, void* data) {
    static_cast<CsvRows*>(data)->row.emplace_back(static_cast<const char*>(s), len);
  };
  auto on_row = [](int, void* data) {
    auto* d = static_cast<CsvRows*>(data);
    d->rows.push_back(std::move(d->row));
    d->row.clear();
  };
  std::vector<char> buf(1 << 16);
  int n;
  while ((n = gzread(f, buf.data(), static_cast<unsigned>(buf.size()))) > 0) {
    if (csv_parse(&parser, buf.data(), static_cast<size_t>(n), on_field, on_row, &out) !=
        static_cast<size_t>(n)) {
      gzclose(f);
      csv_free(&parser);
      return Err(Status::DataLoss(path + ": " + csv_strerror(csv_error(&parser))));
    }
  }
  csv_fini(&parser, on_field, on_row, &out);
  csv_free(&parser);
  gzclose(f);
  return std::move(out.rows);
}

void AddCategorical(StructuredDataset& d, const std::string& name, int64_t buckets, int dim,
                    double latency, std::vector<int32_t> ids) {
  FeatureSpec s;
  s.name = name;
  s.kind = FeatureKind::kCategorical;
  s.buckets = buckets;
  s.embedding_dim = dim;
  s.costs["latency_us"] = latency;
  d.units.push_back(s);
  d.numeric.emplace_back();
  d.buckets.push_back(std::move(ids));
}

void AddNumeric(StructuredDataset& d, const std::string& name, double latency, std::vector<float> v) {
  FeatureSpec s;
  s.name = name;
  s.costs["latency_us"] = latency;
  s.costs["memory_bytes"] = 4;
  d.units.push_back(s);
  d.numeric.push_back(std::move(v));
  d.buckets.emplace_back();
}

// MovieLens columns: movieId, title, year, genres, userId, label (rating), timestamp.
// Latency costs model where a value comes from: the user profile store is slow, the
// movie catalogue faster, request-time values nearly free.
Result<StructuredDataset> LoadMovieLens(const std::string& path) {
  SIEVE_ASSIGN_OR_RETURN(auto rows, ReadGzipCsv(path));
  if (rows.size() < 2 || rows[0].size() != 7) {
    return Err(Status::InvalidArgument(path + ": expected 7 columns"));
  }
  const size_t n = rows.size() - 1;
  std::vector<int32_t> user(n), movie(n), genres(n), year_cat(n), title(n);
  std::vector<float> year(n), ts(n), hour(n), weekday(n), age(n);
  std::vector<std::string> genre_names = {"Action", "Adventure", "Animation", "Children", "Comedy",
                                          "Crime", "Documentary", "Drama", "Fantasy", "Film-Noir",
                                          "Horror", "Musical", "Mystery", "Romance", "Sci-Fi",
                                          "Thriller", "War", "Western"};
  std::vector<std::vector<float>> genre(genre_names.size(), std::vector<float>(n));
  StructuredDataset d;
  d.rows = n;
  d.labels.resize(n);
  d.num_classes = 2;
  for (size_t r = 0; r < n; ++r) {
    const auto& f = rows[r + 1];
    if (f.size() != 7) return Err(Status::InvalidArgument(path + ":" + std::to_string(r + 2) + ": ragged row"));
    movie[r] = BucketOf(f[0], 8192);
    title[r] = BucketOf(f[1], 8192);
    year[r] = f[2].empty() || f[2] == "NA" ? NAN : std::stof(f[2]);
    year_cat[r] = BucketOf(f[2], 128);
    genres[r] = BucketOf(f[3], 1024);
    user[r] = BucketOf(f[4], 1024);
    d.labels[r] = std::stof(f[5]) >= 4.0f ? 1.0f : 0.0f;
    const double t = std::stod(f[6]);
    ts[r] = static_cast<float>(t / 86400.0 / 365.25 + 1970);
    hour[r] = static_cast<float>(std::fmod(t / 3600.0, 24.0));
    weekday[r] = static_cast<float>(std::fmod(std::floor(t / 86400.0) + 4, 7.0));
    age[r] = std::isnan(year[r]) ? NAN : ts[r] - year[r];
    for (size_t g = 0; g < genre_names.size(); ++g) {
      genre[g][r] = f[3].find(genre_names[g]) != std::string::npos ? 1.0f : 0.0f;
    }
  }
  AddCategorical(d, "userId", 1024, 8, 60, std::move(user));
  AddCategorical(d, "movieId", 8192, 8, 25, std::move(movie));
  AddCategorical(d, "title", 8192, 8, 25, std::move(title));
  AddCategorical(d, "genres", 1024, 8, 10, std::move(genres));
  AddCategorical(d, "year_cat", 128, 8, 5, std::move(year_cat));
  AddNumeric(d, "year", 5, std::move(year));
  AddNumeric(d, "movie_age", 6, std::move(age));
  AddNumeric(d, "rated_year", 1, std::move(ts));
  AddNumeric(d, "hour", 1, std::move(hour));
  AddNumeric(d, "weekday", 1, std::move(weekday));
  for (size_t g = 0; g < genre_names.size(); ++g) AddNumeric(d, "is_" + genre_names[g], 4, std::move(genre[g]));
  return d;
}

// A synthetic click stream: user, ad, site, device, hour (categoricals), a planted
// site x device interaction, two costly strong numerics with cheap noisy proxies, noise.
StructuredDataset SyntheticCtr(size_t rows, uint64_t seed) {
  Rng rng(seed);
  StructuredDataset d;
  d.rows = rows;
  d.num_classes = 2;
  d.labels.resize(rows);
  const int n_user = 2000, n_ad = 300, n_site = 60, n_device = 6, n_hour = 24;
  std::vector<double> user_fx(n_user), ad_fx(n_ad), site_fx(n_site), device_fx(n_device), cross_fx(n_site * n_device);
  for (auto& e : user_fx) e = 0.8 * rng.Normal();
  for (auto& e : ad_fx) e = 0.6 * rng.Normal();
  for (auto& e : site_fx) e = 0.3 * rng.Normal();
  for (auto& e : device_fx) e = 0.2 * rng.Normal();
  for (auto& e : cross_fx) e = 1.2 * rng.Normal();
  std::vector<int32_t> user(rows), ad(rows), site(rows), device(rows), hour(rows), noise_cat(rows);
  std::vector<float> s1(rows), s2(rows), p1(rows), p2(rows), n1(rows), n2(rows), n3(rows);
  for (size_t r = 0; r < rows; ++r) {
    user[r] = static_cast<int32_t>(rng.Below(n_user));
    ad[r] = static_cast<int32_t>(rng.Below(n_ad));
    site[r] = static_cast<int32_t>(rng.Below(n_site));
    device[r] = static_cast<int32_t>(rng.Below(n_device));
    hour[r] = static_cast<int32_t>(rng.Below(n_hour));
    noise_cat[r] = static_cast<int32_t>(rng.Below(500));
    s1[r] = static_cast<float>(rng.Normal());
    s2[r] = static_cast<float>(rng.Normal());
    p1[r] = s1[r] + static_cast<float>(0.5 * rng.Normal());
    p2[r] = s2[r] + static_cast<float>(0.5 * rng.Normal());
    n1[r] = static_cast<float>(rng.Normal());
    n2[r] = static_cast<float>(rng.Normal());
    n3[r] = static_cast<float>(rng.Normal());
    const double z = -0.5 + user_fx[user[r]] + ad_fx[ad[r]] + site_fx[site[r]] + device_fx[device[r]] +
                     cross_fx[site[r] * n_device + device[r]] + 0.8 * s1[r] + 0.8 * s2[r] +
                     0.3 * std::sin(hour[r] / 24.0 * 6.283);
    d.labels[r] = rng.Uniform() < 1.0 / (1.0 + std::exp(-z)) ? 1.0f : 0.0f;
  }
  AddCategorical(d, "user", 2048, 8, 50, std::move(user));
  AddCategorical(d, "ad", 512, 8, 10, std::move(ad));
  AddCategorical(d, "site", 64, 8, 5, std::move(site));
  AddCategorical(d, "device", 8, 4, 1, std::move(device));
  AddCategorical(d, "hour", 24, 4, 1, std::move(hour));
  AddCategorical(d, "noise_cat", 512, 8, 5, std::move(noise_cat));
  AddNumeric(d, "strong1", 40, std::move(s1));
  AddNumeric(d, "strong2", 40, std::move(s2));
  AddNumeric(d, "proxy1", 3, std::move(p1));
  AddNumeric(d, "proxy2", 3, std::move(p2));
  AddNumeric(d, "noise1", 2, std::move(n1));
  AddNumeric(d, "noise2", 2, std::move(n2));
  AddNumeric(d, "noise3", 2, std::move(n3));
  return d;
}

// ---------------------------------------------------------------------------------------
// Mutual information ranking (the filter baseline)

double MutualInformation(const StructuredDataset& d, int u) {
  std::vector<int> code(d.rows);
  int levels;
  if (d.units[u].kind == FeatureKind::kNumeric) {
    std::vector<float> sorted = d.numeric[u];
    std::sort(sorted.begin(), sorted.end());
    constexpr int kBins = 16;
    std::vector<float> cuts;
    for (int b = 1; b < kBins; ++b) cuts.push_back(sorted[sorted.size() * b / kBins]);
    for (size_t r = 0; r < d.rows; ++r) {
      code[r] = static_cast<int>(std::upper_bound(cuts.begin(), cuts.end(), d.numeric[u][r]) - cuts.begin());
    }
    levels = kBins;
  } else {
    for (size_t r = 0; r < d.rows; ++r) code[r] = d.buckets[u][r];
    levels = static_cast<int>(d.units[u].buckets);
  }
  std::vector<double> joint(static_cast<size_t>(levels) * 2, 0.0), px(levels, 0.0);
  double py1 = 0;
  for (size_t r = 0; r < d.rows; ++r) {
    const int y = d.labels[r] > 0.5f;
    joint[code[r] * 2 + y] += 1;
    px[code[r]] += 1;
    py1 += y;
  }
  const double n = static_cast<double>(d.rows);
  const double py[2] = {(n - py1) / n, py1 / n};
  double mi = 0;
  for (int x = 0; x < levels; ++x) {
    for (int y = 0; y < 2; ++y) {
      const double p = joint[x * 2 + y] / n;
      if (p > 0) mi += p * std::log(p / (px[x] / n * py[y]));
    }
  }
  return mi;
}

// ---------------------------------------------------------------------------------------
// Comparison

struct Level {
  std::string name;
  std::map<std::string, double> budgets;
};

struct Row {
  std::string dataset, level, method, features;
  std::map<std::string, BudgetUse> use;
  Metrics metrics;
  double select_seconds = 0;
};

double Seconds(std::chrono::steady_clock::time_point a) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
}

std::string Names(const StructuredDataset& d, const std::vector<int>& units) {
  std::string s;
  for (int u : units) s += (s.empty() ? "" : ", ") + d.units[u].name;
  return s;
}

std::map<std::string, BudgetUse> UseOf(const StructuredDataset& d, const std::vector<int>& units,
                                       const std::map<std::string, double>& budgets) {
  BudgetTracker t(UnitCostsFor(d.units, budgets), 0, budgets, d.names());
  for (int u : units) t.Add(u);
  return t.Use();
}

void Compare(const std::string& name, const StructuredDataset& all, const std::vector<Level>& levels,
             int k, uint64_t seed, bool crosses, std::vector<Row>& out) {
  Dataset labels = all.LabelsOnly();
  auto split = SplitRows(labels, 0.2, SplitMode::kStratified, seed);
  StructuredDataset train = all.Rows(split->train), validation = all.Rows(split->validation);
  StandardizeNumericUnits(train, validation);

  BudgetedSelectionOptions base;
  base.k = k;
  base.hidden = {32};
  base.seed = seed;
  StructuredTrainOptions fit{.hidden = {32}, .steps = 2000, .seed = seed};
  auto score = [&](const std::vector<int>& units) {
    return FitAndScore(train.Units(units), validation.Units(units), {}, fit);
  };

  // Cost-blind rankings are computed once and cut down per level.
  auto t0 = std::chrono::steady_clock::now();
  BudgetedSelectionOptions blind = base;
  blind.cost_exponent = 0;
  const std::vector<int> blind_order = UnitIndices(*SelectUnderBudgets(train, blind));
  const double blind_seconds = Seconds(t0);
  t0 = std::chrono::steady_clock::now();
  std::vector<std::pair<double, int>> mi;
  for (int u = 0; u < static_cast<int>(train.units.size()); ++u) mi.push_back({-MutualInformation(train, u), u});
  std::sort(mi.begin(), mi.end());
  std::vector<int> mi_order;
  for (int i = 0; i < k; ++i) mi_order.push_back(mi[i].second);
  const double mi_seconds = Seconds(t0);

  for (const Level& level : levels) {
    std::fprintf(stderr, "%s %s...\n", name.c_str(), level.name.c_str());
    BudgetedSelectionOptions aware = base;
    aware.budgets = level.budgets;
    t0 = std::chrono::steady_clock::now();
    auto sel = SelectUnderBudgets(train, aware);
    const double aware_seconds = Seconds(t0);
    const std::vector<int> aware_units = UnitIndices(*sel);
    const auto costs = UnitCostsFor(train.units, level.budgets);
    const std::vector<int> blind_units = TruncateToBudget(blind_order, costs, 0, level.budgets, {});
    const std::vector<int> mi_units = TruncateToBudget(mi_order, costs, 0, level.budgets, {});
    out.push_back({name, level.name, "budget-aware SA", Names(train, aware_units),
                   UseOf(train, aware_units, level.budgets), score(aware_units), aware_seconds});
    out.push_back({name, level.name, "cost-blind SA + truncation", Names(train, blind_units),
                   UseOf(train, blind_units, level.budgets), score(blind_units), blind_seconds});
    out.push_back({name, level.name, "mutual info + truncation", Names(train, mi_units),
                   UseOf(train, mi_units, level.budgets), score(mi_units), mi_seconds});
    if (!crosses) continue;
    // Second pass: one hashed cross on top of the budget-aware selection, within what
    // is left of the same budgets.
    CrossSearchOptions cs;
    cs.max_crosses = 1;
    cs.cross_buckets = 512;
    cs.cross_embedding_dim = 4;
    cs.selection = aware;
    t0 = std::chrono::steady_clock::now();
    auto found = SearchCrosses(train, aware_units, cs);
    const double cross_seconds = aware_seconds + Seconds(t0);
    if (!found) continue;
    StructuredDataset train_x = train, validation_x = validation;
    std::vector<int> units = aware_units;
    for (int u : AppendCrosses(train_x, found->crosses, cs.cross_buckets, cs.cross_embedding_dim)) {
      units.push_back(u);
    }
    AppendCrosses(validation_x, found->crosses, cs.cross_buckets, cs.cross_embedding_dim);
    std::string names = Names(train_x, units);
    out.push_back({name, level.name, "budget-aware SA + cross search", names,
                   found->selection.budget_use,
                   FitAndScore(train_x.Units(units), validation_x.Units(units), {}, fit), cross_seconds});
  }
}

void Print(const std::vector<Row>& rows) {
  std::printf("| dataset | budget level | method | latency_us used/budget | memory_bytes used/budget | "
              "val. logloss | val. accuracy | select s | features |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  for (const Row& r : rows) {
    auto use = [&](const char* res) {
      const auto it = r.use.find(res);
      if (it == r.use.end()) return std::string("-");
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.0f / %.0f", it->second.used, it->second.declared);
      return std::string(buf);
    };
    std::printf("| %s | %s | %s | %s | %s | %.4f | %.4f | %.1f | %s |\n", r.dataset.c_str(), r.level.c_str(),
                r.method.c_str(), use("latency_us").c_str(), use("memory_bytes").c_str(), r.metrics.loss,
                r.metrics.accuracy, r.select_seconds, r.features.c_str());
  }
}

}  // namespace
}  // namespace sieve

int main(int argc, char** argv) {
  using namespace sieve;
  std::string movielens;
  uint64_t seed = 1;
  int k = 6;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--movielens" && i + 1 < argc) {
      movielens = argv[++i];
    } else if (a == "--seed" && i + 1 < argc) {
      seed = std::stoull(argv[++i]);
    } else if (a == "--k" && i + 1 < argc) {
      k = std::stoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: budget_compare [--movielens FILE.csv.gz] [--seed S] [--k K]\n");
      return 2;
    }
  }
  Eigen::setNbThreads(1);
  std::vector<Row> rows;
  const StructuredDataset ctr = SyntheticCtr(40000, 7);
  Compare("synthetic CTR", ctr,
          {{"tight", {{"latency_us", 25}, {"memory_bytes", 32768}}},
           {"medium", {{"latency_us", 60}, {"memory_bytes", 65536}}},
           {"loose", {{"latency_us", 120}, {"memory_bytes", 131072}}}},
          k, seed, /*crosses=*/true, rows);
  if (!movielens.empty()) {
    auto data = LoadMovieLens(movielens);
    if (!data) {
      std::fprintf(stderr, "%s\n", data.error().ToString().c_str());
      return 1;
    }
    Compare("MovieLens", *data,
            {{"tight", {{"latency_us", 30}, {"memory_bytes", 65536}}},
             {"medium", {{"latency_us", 70}, {"memory_bytes", 131072}}},
             {"loose", {{"latency_us", 120}, {"memory_bytes", 524288}}}},
            k, seed, /*crosses=*/false, rows);
  }
  Print(rows);
  return 0;
}
