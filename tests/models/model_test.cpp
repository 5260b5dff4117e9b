// tests/models/model_test.cpp: the zoo: parameter counts of the papers' 35 models, forward shapes, shape
// traces, shared parameters of twin siblings, save and reload.
#include "wavetwin/models/model.h"

#include <torch/serialize.h>

#include <filesystem>
#include <map>

#include "support/support.h"
#include "wavetwin/layers/batch_norm.h"

namespace wavetwin::models {
namespace {

class ModelTest : public test::Seeded {};

// reference-system.md 5.6 (trainable parameters; frozen filters, blur kernels and BN buffers not counted).
const std::map<std::string, int64_t> kParameters = {
    {"AI", 61100840},       {"AwyI", 61089433},       {"AwyI_mod", 61089433},      {"Azh3I", 61100840},
    {"Azh3wyI", 61089433},  {"Azh3wyI_mod", 61089433}, {"RI", 21797672},           {"RwyI", 21794171},
    {"RwyI_mod", 21794171}, {"Rzh3I", 21797672},       {"Rzh3wyI", 21794171},      {"Rzh3wyI_mod", 21794171},
    {"Rzh3wyI_abl", 21794171}, {"Rzo3I", 22711064},    {"Rzo3wyI", 22707563},      {"Rzo3wyI_mod", 22682237},
    {"Rzo3wyI_abl", 22682237}, {"R18C", 11181642},     {"R18wyC", 11178141},       {"R18wyC_mod", 11178141},
    {"R18zh3C", 11181642},  {"R18zh3wyC", 11178141},   {"R18zh3wyC_mod", 11178141}, {"R18zo3C", 12095034},
    {"R18zo3wyC", 12091533}, {"R18zo3wyC_mod", 12066207}, {"R34C", 21289802},      {"R34wyC", 21286301},
    {"R34wyC_mod", 21286301}, {"R34zh3C", 21289802},   {"R34zh3wyC", 21286301},    {"R34zh3wyC_mod", 21286301},
    {"R34zo3C", 22203194},  {"R34zo3wyC", 22199693},   {"R34zo3wyC_mod", 22174367}};

TEST_F(ModelTest, ParameterCountsOfThePapersModels) {
  ASSERT_EQ(kParameters.size(), paper_model_names().size());
  for (const std::string& name : paper_model_names()) {
    const auto model = make_model(parse_model_spec(name));
    EXPECT_EQ(trainable_parameters(*model), kParameters.at(name)) << name;
  }
}

// APS adds no parameter: every APS model, with or without a twin, has the count of its standard sibling, and
// runs on odd sizes (28 x 28, 33 x 33: the sides extended circularly where odd).
TEST_F(ModelTest, ApsModelsHaveTheParameterCountsOfTheirSiblings) {
  torch::NoGradGuard no_grad;
  for (const auto& [aps, standard] : std::vector<std::pair<std::string, std::string>>{
           {"R18aps3C", "R18C"}, {"Raps3I", "RI"}, {"Aaps3I", "AI"}, {"R18aps3wyC_mod", "R18wyC_mod"},
           {"R34aps2wyC", "R34wyC"}, {"Aaps3wyI_mod", "AwyI_mod"}, {"Raps3wyI_abl", "Rzh3wyI_abl"},
           {"resnet50 --aps 3 --classes 10", "resnet50 --classes 10"}, {"resnet101 --aps 1 --aps-norm l1", "resnet101"}}) {
    const auto model = make_model(parse_model_spec(aps));
    EXPECT_EQ(trainable_parameters(*model), trainable_parameters(*make_model(parse_model_spec(standard)))) << aps;
    model->eval();
    const ModelSpec& spec = model->spec();
    const std::vector<int64_t> sizes =
        spec.architecture == Architecture::kAlexNet ? std::vector<int64_t>{224} : std::vector<int64_t>{28, 33};
    for (const int64_t size : sizes) {
      EXPECT_EQ(model->forward(torch::rand({2, 3, size, size})).sizes(), (std::vector<int64_t>{2, spec.classes}))
          << aps << " at " << size;
    }
  }
}

// Chaman and Dokmanic's claim, exactly: an untrained APS ResNet (basic and bottleneck blocks) gives the same
// logits, in float64 to 1e-12, for an image and for each of its circular shifts by (dy, dx) in [-3, 3]^2 and
// a few far ones; the standard ResNet-18 changes its logits by more than 1 % of their range. (Not l-infinity
// with k <= 2: a max pooling repeats its maxima across neighbouring components, and ties go by position.)
TEST_F(ModelTest, ApsResNetsAreExactlyInvariantToCircularShifts) {
  torch::NoGradGuard no_grad;
  const torch::Tensor image = torch::rand({1, 3, 32, 32}, torch::kFloat64);
  std::vector<torch::Tensor> shifted;
  std::vector<std::string> shifts;
  std::vector<std::pair<int64_t, int64_t>> offsets{{16, 5}, {31, 30}, {-7, 12}};
  for (int64_t dy = -3; dy <= 3; ++dy)
    for (int64_t dx = -3; dx <= 3; ++dx) offsets.emplace_back(dy, dx);
  for (const auto& [dy, dx] : offsets) {
    shifted.push_back(torch::roll(image, {dy, dx}, {2, 3}));
    shifts.push_back("(" + std::to_string(dy) + ", " + std::to_string(dx) + ")");
  }
  const torch::Tensor batch = torch::cat(shifted);
  const auto deviations = [&](const std::string& name) {
    const auto model = make_model(parse_model_spec(name));
    model->to(torch::kFloat64);
    model->eval();
    const torch::Tensor reference = model->forward(image);
    const torch::Tensor logits = model->forward(batch);
    return std::pair{(logits - reference).abs().amax(1), (reference.max() - reference.min()).item<double>()};
  };
  for (const std::string name :
       {"resnet18 --aps 3 --classes 10", "resnet50 --aps 2 --classes 10", "resnet18 --aps 1 --aps-norm l1 --classes 10"}) {
    const auto [deviation, range] = deviations(name);
    ASSERT_GT(range, 0.0) << name;
    for (size_t i = 0; i < shifts.size(); ++i) {
      EXPECT_LT(deviation[static_cast<int64_t>(i)].item<double>(), 1e-12) << name << " shifted by " << shifts[i];
    }
  }
  const auto [deviation, range] = deviations("resnet18 --classes 10");
  EXPECT_GT(deviation.max().item<double>(), 0.01 * range)
      << "the standard ResNet-18 changes its logits under circular shifts";
}

// Convolution and linear MACs of torchvision's models, counted by forward hooks in Python (torchvision 0.14:
// out.numel() * in_channels / groups * kh * kw per Conv2d, in * out per Linear); the standard models have
// nothing else to count. The wavelet twins and blur-pooled variants add their own filters on top.
TEST_F(ModelTest, ForwardMacsOfTheStandardModelsMatchTorchvisionsCounts) {
  EXPECT_EQ(forward_macs(*make_model(parse_model_spec("resnet18")), 3, 224, 224), 1814073344);
  EXPECT_EQ(forward_macs(*make_model(parse_model_spec("resnet50")), 3, 224, 224), 4089184256);
  EXPECT_EQ(forward_macs(*make_model(parse_model_spec("alexnet")), 3, 224, 224), 714188480);
  EXPECT_EQ(forward_macs(*make_model(parse_model_spec("R18C")), 3, 32, 32), 37016576);
  const int64_t standard = forward_macs(*make_model(parse_model_spec("R18C")), 3, 32, 32);
  const int64_t blurred = forward_macs(*make_model(parse_model_spec("R18zh3C")), 3, 32, 32);
  const int64_t rmax = forward_macs(*make_model(parse_model_spec("R18wyC")), 3, 32, 32);
  const int64_t cmod = forward_macs(*make_model(parse_model_spec("R18wyC_mod")), 3, 32, 32);
  EXPECT_GT(blurred, standard);  // the strided convolutions run at stride 1, then blur
  EXPECT_GT(rmax, cmod);         // RMax's wavelet maps are computed at stride 2, CMod's at 4
  EXPECT_GT(cmod, standard / 2);
}

// ImageNet models at 224 x 224, every ResNet also at 32 x 32 (AlexNet's pooling needs at least ~63 pixels).
TEST_F(ModelTest, ForwardShapes) {
  torch::NoGradGuard no_grad;
  for (const std::string& name : paper_model_names()) {
    const auto model = make_model(parse_model_spec(name));
    model->eval();
    const int64_t classes = model->spec().classes;
    std::vector<int64_t> sizes{32};
    if (classes == 1000) sizes = model->spec().architecture == Architecture::kAlexNet ? std::vector<int64_t>{224}
                                                                                      : std::vector<int64_t>{224, 32};
    for (int64_t size : sizes) {
      const torch::Tensor y = model->forward(torch::rand({2, 3, size, size}));
      EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, classes})) << name << " at " << size;
      EXPECT_TRUE(torch::isfinite(y).all().item<bool>()) << name;
    }
  }
}

// The first-layer shapes of reference-system.md 5.5.
TEST_F(ModelTest, ShapeTraceOfTheFirstLayer) {
  torch::NoGradGuard no_grad;
  const auto shape_of = [](const std::vector<TraceStep>& trace, const std::string& step) {
    for (const auto& t : trace) {
      if (t.name == step) return t.shape;
    }
    return std::vector<int64_t>{};
  };
  struct Case {
    std::string name;
    int64_t size;
    std::string step;
    std::vector<int64_t> shape;
  };
  const std::vector<Case> cases = {
      {"AwyI", 224, "twin: wavelet", {1, 32, 55, 55}},      {"AwyI", 224, "pool", {1, 64, 27, 27}},
      {"AwyI_mod", 224, "twin: wavelet", {1, 64, 28, 28}},  {"AwyI_mod", 224, "pool", {1, 64, 27, 27}},
      {"Azh3wyI", 224, "twin: free", {1, 32, 109, 109}},    {"Azh3wyI_mod", 224, "pool", {1, 64, 27, 27}},
      {"RwyI_mod", 224, "conv1 (twin): free", {1, 40, 112, 112}},
      {"RwyI_mod", 224, "conv1 (twin): wavelet", {1, 48, 56, 56}}, {"RwyI_mod", 224, "maxpool", {1, 64, 56, 56}},
      {"R18wyC_mod", 32, "conv1 (twin): wavelet", {1, 48, 8, 8}}, {"R18wyC_mod", 32, "maxpool", {1, 64, 8, 8}},
      {"R18C", 32, "layer4", {1, 512, 1, 1}},              {"RI", 224, "layer4", {1, 512, 7, 7}},
      {"Rzo3wyI_abl", 224, "maxpool", {1, 64, 56, 56}},
  };
  for (const auto& c : cases) {
    const auto model = make_model(parse_model_spec(c.name));
    model->eval();
    std::vector<TraceStep> trace;
    model->forward_traced(torch::rand({1, 3, c.size, c.size}), trace);
    EXPECT_EQ(shape_of(trace, c.step), c.shape) << c.name << " " << c.step;
  }
}

// A CMod twin and its RMax sibling have the same free parameters (names and shapes); they differ only in the
// wavelet channels' pooling (and the AlexNet RMax twin's mixing bias).
// `wavetwin models NAME --tree` prints this: every module of the tree by its own pretty_print.
TEST_F(ModelTest, ModuleTreeNamesEveryModule) {
  std::ostringstream tree;
  tree << *make_model(parse_model_spec("R50zh3wyI_mod"));
  const std::string text = tree.str();
  for (const char* line : {"wavetwin::models::ResNet(resnet50 --twin cmod --antialias blur3 --classes 1000)",
                           "(conv1): wavetwin::layers::TwinConv(in=3, free=40x7x7",
                           "wavetwin::layers::SplitPool(free and wavelet apart)",
                           "wavetwin::models::ResidualBlock(bottleneck, 64 -> 256, stride=1)",
                           "wavetwin::models::ResidualBlock(bottleneck, 256 -> 512, stride=2)",
                           "wavetwin::layers::BlurPool(channels=128, filter_size=3, stride=2, padding=reflect)",
                           "wavetwin::layers::Conv2d("}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
  std::ostringstream aps;
  aps << *make_model(parse_model_spec("R18aps3C"));
  for (const char* line : {"(0): wavetwin::layers::Aps(channels=64, filter_size=3, stride=2, norm=l2, padding=circular)",
                           "(conv1): wavetwin::layers::Conv2d(3, 64, kernel_size=[7, 7], stride=[1, 1], padding=[3, 3], "
                           "padding_mode=circular, bias=false)"}) {
    EXPECT_NE(aps.str().find(line), std::string::npos) << line << "\n" << aps.str();
  }
  std::ostringstream alexnet;
  make_model(parse_model_spec("AI"))->pretty_print(alexnet);
  EXPECT_EQ(alexnet.str(), "wavetwin::models::AlexNet(alexnet --classes 1000)");
}

TEST_F(ModelTest, CModTwinSharesTheFreeParametersOfItsRMaxSibling) {
  for (const auto& [rmax_name, cmod_name] : {std::pair<std::string, std::string>{"RwyI", "RwyI_mod"},
                                             {"R18zo3wyC", "R18zo3wyC_mod"}, {"AwyI", "AwyI_mod"}}) {
    const auto rmax = make_model(parse_model_spec(rmax_name));
    const auto cmod = make_model(parse_model_spec(cmod_name));
    const auto cmod_params = cmod->named_parameters();
    for (const auto& p : rmax->named_parameters()) {
      const std::string& key = p.key();
      const bool pooling = key.rfind("maxpool.", 0) == 0 || key.rfind("pool.", 0) == 0;
      const bool mix_bias = key.find("featmapmix") != std::string::npos && key.find(".bias") != std::string::npos;
      if (pooling || mix_bias) continue;
      ASSERT_TRUE(cmod_params.contains(key)) << rmax_name << ": " << key;
      EXPECT_EQ(cmod_params[key].sizes(), p.value().sizes()) << key;
    }
  }
}

// --sync-bn reaches every batch normalisation: as many as the model has running variances.
TEST_F(ModelTest, EveryBatchNormalisationCanBeSynchronised) {
  for (const std::string name : {"R18C", "R18wyC_mod", "R18zo3wyC", "RwyI", "AI"}) {
    const auto model = make_model(parse_model_spec(name));
    int64_t norms = 0;
    for (const auto& b : model->named_buffers()) norms += b.key().size() >= 11 && b.key().substr(b.key().size() - 11) == "running_var";
    EXPECT_EQ(layers::set_batch_sum(*model, [](const torch::Tensor& t) { return t; }), norms) << name;
    EXPECT_EQ(norms > 0, name != "AI") << name;
  }
}

TEST_F(ModelTest, SaveAndReloadGiveIdenticalOutputs) {
  const std::string dir = test::temp_dir();
  torch::NoGradGuard no_grad;
  for (const std::string name : {"AwyI_mod", "Azh3wyI", "R18wyC_mod", "R18zh3wyC", "R18zo3wyC_mod", "Rzo3wyI_abl",
                                  "resnet50 --antialias blur3 --classes 10", "resnet18 --twin cmod --channels 1",
                                  "R18aps3wyC_mod"}) {
    const ModelSpec spec = parse_model_spec(name);
    const auto model = make_model(spec);
    const int64_t size = spec.architecture == Architecture::kAlexNet ? 224 : 32;
    const torch::Tensor x = torch::rand({2, spec.in_channels, size, size});
    model->train();
    model->forward(x);  // moves the running statistics away from their initial values
    model->eval();
    const torch::Tensor before = model->forward(x);
    torch::serialize::OutputArchive out;
    model->save(out);
    out.save_to(dir + "/m.pt");
    const auto reloaded = make_model(spec);
    torch::serialize::InputArchive in;
    in.load_from(dir + "/m.pt");
    reloaded->load(in);
    reloaded->eval();
    EXPECT_TRUE(torch::equal(reloaded->forward(x), before)) << name;
  }
  std::filesystem::remove_all(dir);
}

TEST_F(ModelTest, GreyInputsAndOtherClassCounts) {
  torch::NoGradGuard no_grad;
  for (const std::string name : {"resnet18 --twin cmod --antialias adaptive3 --classes 7 --channels 1",
                                  "alexnet --twin rmax --classes 5 --channels 1", "resnet101 --classes 3"}) {
    const ModelSpec spec = parse_model_spec(name);
    const auto model = make_model(spec);
    model->eval();
    const int64_t size = spec.architecture == Architecture::kAlexNet ? 224 : 64;
    EXPECT_EQ(model->forward(torch::rand({1, spec.in_channels, size, size})).sizes(),
              (std::vector<int64_t>{1, spec.classes}))
        << name;
  }
}

}  // namespace
}  // namespace wavetwin::models
