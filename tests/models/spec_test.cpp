// tests/models/spec_test.cpp: model names and specs.
#include "wavetwin/models/spec.h"

#include "support/support.h"

namespace wavetwin::models {
namespace {

TEST(ModelSpecTest, PapersNamesRoundTrip) {
  for (const std::string& name : paper_model_names()) {
    const ModelSpec spec = parse_model_spec(name);
    EXPECT_EQ(spec.paper_name(), name);
    EXPECT_EQ(parse_model_spec(spec.readable()), spec) << spec.readable();
  }
  EXPECT_EQ(paper_model_names().size(), 35u);
}

TEST(ModelSpecTest, NamesMeanWhatThePapersSay) {
  const ModelSpec r = parse_model_spec("Rzo3wyI_abl");
  EXPECT_EQ(r.architecture, Architecture::kResNet);
  EXPECT_EQ(r.depth, 34);
  EXPECT_EQ(r.antialias, Antialias::kAdaptive);
  EXPECT_EQ(r.blur_size, 3);
  EXPECT_EQ(r.first_layer, FirstLayer::kTwin);
  EXPECT_EQ(r.wavelet_pooling, WaveletPooling::kAblated);
  EXPECT_EQ(r.classes, 1000);
  const ModelSpec c = parse_model_spec("R18wyC_mod");
  EXPECT_EQ(c.depth, 18);
  EXPECT_EQ(c.classes, 10);
  EXPECT_EQ(c.wavelet_pooling, WaveletPooling::kCMod);
  EXPECT_EQ(parse_model_spec("AI").architecture, Architecture::kAlexNet);
  EXPECT_EQ(c.readable(), "resnet18 --twin cmod --classes 10");
}

TEST(ModelSpecTest, ReferenceArchitectureConfigStrings) {
  EXPECT_EQ(parse_model_spec("dtcwpt_zou_resnet34/Ft40YBf3Ex_mod"), parse_model_spec("Rzo3wyI_mod"));
  EXPECT_EQ(parse_model_spec("dtcwpt_zhang_resnet34/Ft40YBf3Ex_abl2"), parse_model_spec("Rzh3wyI_abl"));
  EXPECT_EQ(parse_model_spec("DtCwptZhangAlexNet/Ft32YBf3_mod"), parse_model_spec("Azh3wyI_mod"));
  EXPECT_EQ(parse_model_spec("DtCwptAlexNet/Ft32Y"), parse_model_spec("AwyI"));
  EXPECT_EQ(parse_model_spec("resnet34/Std"), parse_model_spec("RI"));
  EXPECT_EQ(parse_model_spec("zhang_resnet34/Bf3"), parse_model_spec("Rzh3I"));
  EXPECT_EQ(parse_model_spec("dtcwpt_resnet34/Ft40YEx"), parse_model_spec("RwyI"));
}

TEST(ModelSpecTest, ReadableForm) {
  const ModelSpec s = parse_model_spec("resnet50 --twin cmod --antialias blur5 --classes 10 --channels 1");
  EXPECT_EQ(s.depth, 50);
  EXPECT_EQ(s.blur_size, 5);
  EXPECT_EQ(s.in_channels, 1);
  EXPECT_EQ(s.paper_name(), "");
  EXPECT_EQ(parse_model_spec(s.readable()), s);
}

// APS in every form: the papers' style (apsK), the readable --aps K and --antialias apsK, with a twin and a norm.
TEST(ModelSpecTest, ApsNames) {
  const ModelSpec a = parse_model_spec("R18aps3C");
  EXPECT_EQ(a.antialias, Antialias::kAps);
  EXPECT_EQ(a.blur_size, 3);
  EXPECT_EQ(a.depth, 18);
  EXPECT_EQ(a.classes, 10);
  EXPECT_EQ(a.aps_norm, layers::ApsNorm::kL2);
  EXPECT_EQ(a.readable(), "resnet18 --aps 3 --classes 10");
  EXPECT_EQ(parse_model_spec("resnet18 --aps 3 --classes 10"), a);
  EXPECT_EQ(parse_model_spec("resnet18 --antialias aps3 --classes 10"), a);
  const ModelSpec t = parse_model_spec("resnet18 --twin cmod --aps 5 --classes 10");
  EXPECT_EQ(t.paper_name(), "R18aps5wyC_mod");
  EXPECT_EQ(parse_model_spec("R18aps5wyC_mod"), t);
  EXPECT_EQ(parse_model_spec("Aaps3I").architecture, Architecture::kAlexNet);
  const ModelSpec n = parse_model_spec("resnet34 --aps 1 --aps-norm linf");
  EXPECT_EQ(n.aps_norm, layers::ApsNorm::kLInf);
  EXPECT_EQ(n.blur_size, 1);
  EXPECT_EQ(n.paper_name(), "");
  EXPECT_EQ(n.readable(), "resnet34 --aps 1 --aps-norm linf --classes 1000");
  EXPECT_EQ(parse_model_spec(n.readable()), n);
  EXPECT_THROW_WITH(parse_model_spec("resnet18 --aps-norm l1"), "--aps-norm l1 without APS; expected --aps K too");
  EXPECT_THROW_WITH(parse_model_spec("resnet18 --aps 3 --aps-norm l4"), "APS norm 'l4'; expected l2, l1 or linf");
  EXPECT_THROW_WITH(parse_model_spec("R18aps8C"), "APS filter size 8; expected 1 to 7");
  EXPECT_THROW_WITH(parse_model_spec("resnet18 --aps 3 --aps-norm l1"),
                    "--aps-norm l1 with an APS filter of size 3: after a ReLU every polyphase component has the same l1 norm");
}

TEST(ModelSpecTest, BadSpecsListWhatIsValid) {
  EXPECT_THROW_WITH(parse_model_spec("VGG16"), "unknown model 'VGG16'; expected a papers' name");
  EXPECT_THROW_WITH(parse_model_spec("R18zh8C"), "blur size 8; expected 1 to 7");
  EXPECT_THROW_WITH(parse_model_spec("resnet18 --antialias blur0"), "blur size 0; expected 1 to 7");
  EXPECT_THROW_WITH(parse_model_spec("resnet20"), "ResNet depth 20; expected 18, 34, 50 or 101");
  EXPECT_THROW_WITH(parse_model_spec("Azo3I"), "adaptive blur pooling is defined for ResNets only");
  EXPECT_THROW_WITH(parse_model_spec("AwyI_abl"), "ablated twin is defined for ResNets only");
  EXPECT_THROW_WITH(parse_model_spec("RI_mod"), "applies to twins (wy) only");
  EXPECT_THROW_WITH(parse_model_spec("resnet34/Ft32Y"), "needs a DtCwpt architecture");
  EXPECT_THROW_WITH(parse_model_spec("DtCwptAlexNet/Ft40YEx"), "expected config Ft32Y[BfK][_mod]");
  EXPECT_THROW_WITH(parse_model_spec("vgg/Std"), "unknown architecture 'vgg'");
  // Found by the model-spec fuzz target: a depth past 64 bits escaped as std::out_of_range.
  EXPECT_THROW_WITH(parse_model_spec("resnet55555555555555555555/Std"),
                    "model spec: depth '55555555555555555555'; expected an integer");
  EXPECT_THROW_WITH(parse_model_spec("resnet18 --twin magic"), "--twin magic; expected rmax, cmod or ablated");
  EXPECT_THROW_WITH(parse_model_spec("resnet18 --channels 4"), "4 input channels; expected 1 or 3");
}

}  // namespace
}  // namespace wavetwin::models
