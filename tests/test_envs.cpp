// Tests of the classic-control environments (src/envs/) and the environment registry.
//
// Expected numbers come from tests/reference/classic_control_ref.py, an independent plain-Python
// implementation of docs/reference/classic_control.md; the script prints every literal used below
// (17 significant digits). Observations are float32, so they are compared with the float of the
// reference value to 1e-6 relative (1e-8 absolute below 0.01); rewards are doubles, compared to 1e-12
// relative. Exact edge cases (wall, clip, thresholds) are checked exactly where it matters.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <set>
#include <string>
#include <vector>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/envs/classic_control.hpp"
#include "neuroevo/envs/env.hpp"

namespace neuroevo {
namespace {

using std::numbers::pi;

struct Row {
  std::vector<double> obs;
  double reward;
  bool terminated;
};

void expect_obs(std::span<const float> got, const std::vector<double>& want, const std::string& where) {
  ASSERT_EQ(got.size(), want.size()) << where;
  for (size_t i = 0; i < want.size(); ++i) {
    const double tol = 1e-6 * std::max(std::abs(want[i]), 1e-2);
    EXPECT_NEAR(got[i], static_cast<float>(want[i]), tol) << where << ", component " << i;
  }
}

void expect_reward(double got, double want, const std::string& where) {
  EXPECT_NEAR(got, want, 1e-12 * std::max(1.0, std::abs(want))) << where;
}

StepResult step1(Env& env, float action, std::vector<float>& obs) {
  const float a[1] = {action};
  return env.step(a, obs);
}

// Sets `start`, applies actions[first..] and compares with rows[first..] (rows[i] follows actions[i]).
void expect_trajectory(Env& env, const std::vector<double>& start, const std::vector<float>& actions,
                       const std::vector<Row>& rows, size_t first = 0) {
  ASSERT_EQ(actions.size(), rows.size());
  std::vector<float> obs(env.observation_space().dim());
  env.set_state(start, obs);
  for (size_t i = first; i < rows.size(); ++i) {
    const std::string where = "step " + std::to_string(i + 1);
    const StepResult r = step1(env, actions[i], obs);
    expect_obs(obs, rows[i].obs, where);
    expect_reward(r.reward, rows[i].reward, where);
    EXPECT_EQ(r.terminated, rows[i].terminated) << where;
    EXPECT_FALSE(r.truncated) << where;
  }
}

std::vector<float> digit_actions(const std::string& digits) {
  std::vector<float> a;
  for (char c : digits) a.push_back(static_cast<float>(c - '0'));
  return a;
}

// Runs `actions` from `start`; expects termination exactly at the last action (never before) with the
// given terminating reward, `other_reward` on every earlier step, and the final observation.
void expect_terminates_at_end(Env& env, const std::vector<double>& start, const std::vector<float>& actions,
                              double other_reward, double final_reward, const std::vector<double>& final_obs) {
  std::vector<float> obs(env.observation_space().dim());
  env.set_state(start, obs);
  for (size_t i = 0; i < actions.size(); ++i) {
    const StepResult r = step1(env, actions[i], obs);
    const bool last = i + 1 == actions.size();
    ASSERT_EQ(r.terminated, last) << "step " << i + 1;
    expect_reward(r.reward, last ? final_reward : other_reward, "step " + std::to_string(i + 1));
  }
  expect_obs(obs, final_obs, "final observation");
}

// Steps with `policy` from `start` and expects truncation exactly at the time limit, no termination.
template <class Policy>
void expect_truncates_at(Env& env, const std::vector<double>& start, int limit, Policy policy) {
  ASSERT_EQ(env.max_episode_steps(), limit);
  std::vector<float> obs(env.observation_space().dim());
  env.set_state(start, obs);
  for (int i = 1; i <= limit; ++i) {
    const StepResult r = step1(env, policy(obs), obs);
    ASSERT_FALSE(r.terminated) << "step " << i;
    ASSERT_EQ(r.truncated, i == limit) << "step " << i;
  }
}

// ------------------------------------------------------------------------------------------ CartPole

const std::vector<double> kCartPoleStart = {0.01, -0.02, 0.03, 0.04};
const std::vector<float> kCartPoleActions = {1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 1,
                                             1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1, 1};
const std::vector<Row> kCartPoleRows = {
  {{0.0096000000000000009, 0.17467919574755525, 0.030799999999999998, -0.24306871796000809}, 1, false},
  {{0.013093583914951107, -0.020868848948191993, 0.025938625640799837, 0.059167999939416599}, 1, false},
  {{0.012676206935987267, -0.21635292104612766, 0.027121985639588168, 0.35992057137841382}, 1, false},
  {{0.0083491485150647138, -0.021626799199488206, 0.034320397067156443, 0.075911698947444095}, 1, false},
  {{0.0079166125310749496, 0.17298676004769037, 0.035838631046105324, -0.20574851582677406}, 1, false},
  {{0.011376347732028757, 0.36757837256754677, 0.031723660729569843, -0.48691420134450819}, 1, false},
  {{0.018727915183379691, 0.17202349486382784, 0.021985376702679679, -0.18440428392099584}, 1, false},
  {{0.022168385080656248, 0.36682408600495897, 0.018297291024259761, -0.47007137478511091}, 1, false},
  {{0.029504866800755428, 0.1714485132472654, 0.0088958635285575436, -0.17167796834313398}, 1, false},
  {{0.032933837065700737, -0.023799624602329011, 0.0054623041616948635, 0.12379799946559022}, 1, false},
  {{0.032457844573654158, -0.21899940387454839, 0.0079382641510066677, 0.41819920972471952}, 1, false},
  {{0.028077856496163192, -0.023990838897367139, 0.016302248345501057, 0.1280294038596787}, 1, false},
  {{0.027598039718215849, 0.17089382692465704, 0.01886283642269463, -0.15946610211758006}, 1, false},
  {{0.031015916256708992, -0.024493026643919308, 0.015673514380343027, 0.13910738488207264}, 1, false},
  {{0.030526055723830606, 0.17040097319715405, 0.018455662077984481, -0.14858988294460168}, 1, false},
  {{0.033934075187773687, 0.36525384510708842, 0.015483864419092448, -0.43539375874919717}, 1, false},
  {{0.041239152089915451, 0.16991615811296026, 0.0067759892441085039, -0.1378702774817212}, 1, false},
  {{0.044637475252174659, -0.025302186238514129, 0.0040185836944740799, 0.15694264221875481}, 1, false},
  {{0.044131431527404376, 0.16976199930421812, 0.0071574365388491767, -0.13446981310142686}, 1, false},
  {{0.047526671513488737, -0.025461738484814228, 0.0044680402768206388, 0.16046256116721452}, 1, false},
  {{0.047017436743792454, 0.16959596266336327, 0.0076772915001649296, -0.13080747058035347}, 1, false},
  {{0.050409355997059722, 0.36460710175566324, 0.0050611420885578601, -0.42105845714770362}, 1, false},
  {{0.05770149803217299, 0.55965697985775242, -0.003360027054396213, -0.7121415577119824}, 1, false},
  {{0.068894637629328043, 0.36458171466984046, -0.017602858208635861, -0.42051815779167417}, 1, false},
  {{0.076186271922724855, 0.16971354305604, -0.026013221364469347, -0.1334361587308317}, 1, false},
  {{0.079580542783845659, -0.025026320478532094, -0.028681944539085982, 0.15092778402166779}, 1, false},
  {{0.079080016374275017, 0.17049434293212778, -0.025663388858652627, -0.15066392055229577}, 1, false},
  {{0.082489903232917577, -0.024250904696364151, -0.028676667269698544, 0.13381355221702756}, 1, false},
  {{0.082004885138990291, 0.17126982391443349, -0.026000396225357991, -0.16777674361928369}, 1, false},
  {{0.085430281617278961, 0.36675410944552816, -0.029355931097743666, -0.46854731920179432}, 1, false},
};

TEST(CartPole, TrajectoryMatchesReference) {
  auto env = make_cartpole();
  expect_trajectory(*env, kCartPoleStart, kCartPoleActions, kCartPoleRows);
}

TEST(CartPole, ContinuesFromASetMidTrajectoryState) {
  auto env = make_cartpole();
  // The reference state after 15 steps, in full double precision.
  expect_trajectory(*env, {0.030526055723830606, 0.17040097319715405, 0.018455662077984481, -0.14858988294460168},
                    kCartPoleActions, kCartPoleRows, 15);
}

TEST(CartPole, TerminatesWhenTheCartLeavesTheTrack) {
  auto env = make_cartpole();
  const std::vector<Row> rows = {
  {{2.3199999999999998, 1.1951219512195121, 0, -0.29268292682926828}, 1, false},
  {{2.3439024390243901, 1.3902439024390243, -0.0058536585365853658, -0.58536585365853655}, 1, false},
  {{2.3717073170731706, 1.5854473555162589, -0.017560975609756099, -0.87988698253885533}, 1, false},
  {{2.403416264183496, 1.780803433857937, -0.035158715260533206, -1.1780385785990666}, 1, true},
  };
  expect_trajectory(*env, {2.3, 1.0, 0.0, 0.0}, {1, 1, 1, 1}, rows);
}

TEST(CartPole, TerminatesWhenThePoleTiltsBeyondTwelveDegrees) {
  auto env = make_cartpole();
  const std::vector<Row> rows = {
  {{0, -0.19677371970012336, 0.16999999999999998, 1.3357810553533016}, 1, false},
  {{-0.0039354743940024674, -0.3935803259888625, 0.19671562110706603, 1.6764750557570214}, 1, false},
  {{-0.011807080913779718, -0.59036527707697151, 0.23024512222220644, 2.0234217407027568}, 1, true},
  };
  expect_trajectory(*env, {0.0, 0.0, 0.15, 1.0}, {0, 0, 0}, rows);
}

TEST(CartPole, ThresholdsAreStrict) {
  auto env = make_cartpole();
  std::vector<float> obs(4);
  // Twelve degrees exactly is still upright: termination needs |theta| > 12 deg after the step.
  const double twelve = 12 * 2 * pi / 360;
  env->set_state(std::vector<double>{0.0, 0.0, twelve, 0.0}, obs);
  EXPECT_FALSE(step1(*env, 1, obs).terminated);  // theta_dot was 0, so theta is unchanged
  env->set_state(std::vector<double>{2.4, 0.0, 0.0, 0.0}, obs);
  EXPECT_FALSE(step1(*env, 1, obs).terminated);  // x_dot was 0, so x stays at 2.4
}

TEST(CartPole, TruncatesAtFiveHundredSteps) {
  auto env = make_cartpole();
  // A balancing controller: push towards the side the pole falls to.
  expect_truncates_at(*env, {0.0, 0.0, 0.0, 0.0}, 500, [](const std::vector<float>& o) {
    return (o[2] + 0.5f * o[3] + 0.01f * o[0] + 0.05f * o[1]) > 0 ? 1.0f : 0.0f;
  });
}

// ------------------------------------------------------------------------------------------- Acrobot

const std::vector<double> kAcrobotStart = {0.05, -0.03, 0.1, -0.2};
const std::vector<float> kAcrobotActions = digit_actions("2201002112022200102100022120112002102201");
const std::vector<Row> kAcrobotRows = {
  {{0.99879784357994184, 0.049019054051032969, 0.99966201786725117, -0.025997115870333494, -0.10899607843931322, 0.23861151890399079}, -1, false},
  {{0.99996167857351048, 0.0087545065221985088, 0.99815076072562703, 0.060786995836708088, -0.28267004645312516, 0.60784503784171395}, -1, false},
  {{0.99950838244038198, -0.031352726060283914, 0.99068388788265649, 0.13618162243747914, -0.10844296057892822, 0.13170850894448333}, -1, false},
  {{0.99895607925130114, -0.045680977735466116, 0.98958328045472499, 0.14396156099620847, -0.031919437153775043, -0.056432555542981655}, -1, false},
  {{0.99953555377828274, -0.030474197826057765, 0.99678910527610731, 0.080071715373516011, 0.17893919684816464, -0.57308837507579069}, -1, false},
  {{0.99976767358866092, 0.021554555136134954, 0.99721245204981379, -0.074614512507941849, 0.32553304579550058, -0.93967311303797829}, -1, false},
  {{0.99785915974090045, 0.065399520802405103, 0.97804561593263972, -0.20839091428117346, 0.1011340456402155, -0.38454864306277869}, -1, false},
  {{0.99736221660388957, 0.072585183687693206, 0.96736140540442594, -0.25340069323893694, -0.031524588372206008, -0.069979153500484947}, -1, false},
  {{0.99858541248661226, 0.053171176110204887, 0.97196183640004907, -0.2351386582037166, -0.15838062265897254, 0.25200261965809667}, -1, false},
  {{0.9999997205876856, -0.000747545684738514, 0.99200557167649728, -0.12619407974538988, -0.36705487000213005, 0.82982281184848239}, -1, false},
  {{0.99825273601295783, -0.059088704865177255, 0.99994849169599775, 0.010149579050338522, -0.20058951433170946, 0.50425993542983205}, -1, false},
  {{0.99472119735064979, -0.10261451915440498, 0.99104632846022034, 0.13351844384023159, -0.22313406895318522, 0.70481070211725683}, -1, false},
  {{0.98982709032562732, -0.14227554694149833, 0.96127415664835025, 0.27559389644911059, -0.16373211513774849, 0.71691846605273379}, -1, false},
  {{0.98662191220970574, -0.16302515863406977, 0.91759081026273615, 0.39752623173996365, -0.038525457056633128, 0.55534171852642511}, -1, false},
  {{0.99141321844373653, -0.13076631942144745, 0.90985618564799842, 0.41492375376456231, 0.35729052427426117, -0.36159223501457471}, -1, false},
  {{0.99963425186511456, -0.027043714576082054, 0.96325608492637094, 0.26858465118528269, 0.65978246527043682, -1.1601872300769811}, -1, false},
  {{0.99432880511914001, 0.10634955246893728, 0.99978378864857209, 0.020793651807881269, 0.64104439301838145, -1.2858880500601191}, -1, false},
  {{0.97404297988653699, 0.22636314482210951, 0.96904491250407054, -0.24688450244998841, 0.54281002532871703, -1.349380409613359}, -1, false},
  {{0.95949486718882426, 0.28172610783933477, 0.91025564226644717, -0.4140466950986299, 0.016430487417412931, -0.39435960591180808}, -1, false},
  {{0.96963460957168979, 0.2445582219447075, 0.90640763381068845, -0.42240407357139542, -0.39370529681252697, 0.29812576072733221}, -1, false},
  {{0.98912559138505329, 0.14707333023756744, 0.93993654437354079, -0.34134922374472559, -0.57875405594757112, 0.55157140799510851}, -1, false},
  {{0.99965666748347781, 0.026202044878739044, 0.97374530513541058, -0.22764024408427019, -0.60724098778026547, 0.59673487378098677}, -1, false},
  {{0.99649764961461107, -0.083620776799523927, 0.99207990035807359, -0.12560840459744269, -0.46653869751313864, 0.40498103539910468}, -1, false},
  {{0.98418600865903383, -0.1771380827484598, 0.99993811719861292, -0.011124826888229623, -0.45456068036300201, 0.70879079350152141}, -1, false},
  {{0.96732942598588834, -0.25352274379592005, 0.98994366227030539, 0.14146216996375938, -0.30751191991771321, 0.78378181684923209}, -1, false},
  {{0.96080031368265362, -0.27724133390840994, 0.96796943763339882, 0.25106805413608824, 0.069011687237956809, 0.31380089415076629}, -1, false},
  {{0.97084767714028353, -0.23969728365443721, 0.95599013149881318, 0.29339882153287861, 0.31334648397872611, 0.12406496357736602}, -1, false},
  {{0.99100265803506316, -0.1338421897887197, 0.97192976254200902, 0.23527119816295805, 0.74121786713154303, -0.70197377687441653}, -1, false},
  {{0.99961552421003907, 0.027727310693407847, 0.99761910802470299, 0.068964594568487997, 0.84046324172915521, -0.92809657037203552}, -1, false},
  {{0.98282484658032576, 0.1845408381479805, 0.994025686573628, -0.10914638991660411, 0.70087698255056186, -0.79973404779431212}, -1, false},
  {{0.96064619507911853, 0.27777488705786946, 0.98066960276749415, -0.19567097436218073, 0.23722988154407321, -0.04956706126336119}, -1, false},
  {{0.95447433053129538, 0.29829306454699112, 0.98123715832915015, -0.19280466569596907, -0.026674618354666113, 0.080671259770309506}, -1, false},
  {{0.96339933873022832, 0.26807035295638115, 0.98625186548747412, -0.1652490781289784, -0.28131991228080694, 0.19018107674367712}, -1, false},
  {{0.9857829482394157, 0.16802374522788571, 0.99847386374382485, -0.055226292836635604, -0.72041787796031964, 0.88336037237640119}, -1, false},
  {{0.99994611346908902, 0.010381240680373605, 0.99133649731559115, 0.13134667521507692, -0.82586511080386438, 0.92809293764684309}, -1, false},
  {{0.99125357546916892, -0.13197101621033572, 0.96687939094851594, 0.25523370341517776, -0.56956738130720641, 0.29398653046060674}, -1, false},
  {{0.97285303598554274, -0.23142378955870596, 0.95348065389281489, 0.30145421319353, -0.42101677824836392, 0.16532657478574661}, -1, false},
  {{0.95719154213406576, -0.28945526712604319, 0.95006381379185978, 0.31205568369005293, -0.16855569408266224, -0.062914379174409146}, -1, false},
  {{0.96314909275068439, -0.26896807456189581, 0.97750662049633064, 0.21090473414753574, 0.37515022965941314, -0.96651556629650137}, -1, false},
  {{0.98646083043921884, -0.1639970426842107, 0.99982770592997416, -0.018562285818427674, 0.67145613402449877, -1.2875440314875064}, -1, false},
};

TEST(Acrobot, TrajectoryMatchesReference) {
  auto env = make_acrobot();
  expect_trajectory(*env, kAcrobotStart, kAcrobotActions, kAcrobotRows);
}

TEST(Acrobot, ContinuesFromASetMidTrajectoryState) {
  auto env = make_acrobot();
  expect_trajectory(*env, {0.24706405341757806, -0.43609599552056688, -0.39370529681252697, 0.29812576072733221},
                    kAcrobotActions, kAcrobotRows, 20);
}

TEST(Acrobot, PumpingReachesTheGoalWithRewardZeroOnTheTerminatingStep) {
  auto env = make_acrobot();
  // Torque along the elbow's velocity, from a reset-like state: the tip crosses the line at step 73.
  const auto actions = digit_actions("2222222000000222222200000022222200000002222222000000022222222200022222222");
  expect_terminates_at_end(*env, {0.02, -0.04, 0.03, 0.01}, actions, -1.0, 0.0,
                           {-0.14089779912488953, -0.99002414627208069, -0.13290151818317045, -0.99112924811278191,
                            -1.903330066143792, 4.0737905123384746});
}

TEST(Acrobot, ClipsJointVelocities) {
  auto env = make_acrobot();
  const std::vector<Row> rows = {
  {{-0.10584408500548072, -0.99438273801859245, -0.95825461154175906, -0.28591624553171602, 12.566370614359172, -28.274333882308138}, -1, false},
  };
  expect_trajectory(*env, {0.3, -0.2, 20.0, -40.0}, {2}, rows);
  EXPECT_EQ(rows[0].obs[4], 4 * pi);
  EXPECT_EQ(rows[0].obs[5], -9 * pi);
}

TEST(Acrobot, AcceptsUnwrappedAnglesInASetState) {
  auto env = make_acrobot();
  const std::vector<Row> rows = {
  {{0.90546272030516328, 0.42442580286496906, 0.95370715739336276, -0.30073685829420982, 0.35572185612776031, -0.024115503975325026}, -1, false},
  {{0.89470678573311191, 0.44665396848469108, 0.96270872309832545, -0.27054004226803774, -0.11166341868899493, 0.33582421759619385}, -1, false},
  };
  expect_trajectory(*env, {0.3 + 6 * pi, -0.2 - 4 * pi, 1.0, -1.0}, {2, 0}, rows);
  // Even absurd angles are reduced without hanging.
  std::vector<float> obs(6);
  env->set_state(std::vector<double>{1e300, -1e20, 0.0, 0.0}, obs);
  step1(*env, 1, obs);
  for (float v : obs) EXPECT_TRUE(std::isfinite(v));
}

TEST(Acrobot, WrapsAnglesIntoTheHalfOpenInterval) {
  auto env = make_acrobot();
  // Balanced upright with no torque, theta1 stays exactly pi through the step, and [-pi, pi) wraps it to
  // -pi: visible as the sign of sin(theta1) (Gymnasium's inclusive wrap would leave +pi here).
  const std::vector<Row> rows = {
  {{-1, -1.2246467991473532e-16, 1, 5.8544090886068634e-18, -7.6107318151889207e-17, 5.8544090886068637e-17}, 0, true},
  };
  expect_trajectory(*env, {pi, 0.0, 0.0, 0.0}, {1}, rows);
  std::vector<float> obs(6);
  env->set_state(std::vector<double>{pi, 0.0, 0.0, 0.0}, obs);
  EXPECT_GT(obs[1], 0.0f);  // sin(pi) > 0 before the step
  step1(*env, 1, obs);
  EXPECT_EQ(obs[1], static_cast<float>(-1.2246467991473532e-16));
}

TEST(Acrobot, TruncatesAtFiveHundredSteps) {
  auto env = make_acrobot();
  expect_truncates_at(*env, {0.0, 0.0, 0.0, 0.0}, 500, [](const std::vector<float>&) { return 1.0f; });
}

// --------------------------------------------------------------------------------------- MountainCar

const std::vector<double> kMountainCarStart = {-0.5, 0.0};
const std::vector<float> kMountainCarActions = digit_actions("222001201122000210222011022210");
const std::vector<Row> kMountainCarRows = {
  {{-0.49917684300416926, 0.00082315699583074275}, -1, false},
  {{-0.49753668667935325, 0.0016401563248160246}, -1, false},
  {{-0.49509179693234739, 0.002444889747005863}, -1, false},
  {{-0.49386044900161341, 0.0012313479307339795}, -1, false},
  {{-0.493851842767281, 8.6062343324251871e-06}, -1, false},
  {{-0.49406604251932978, -0.00021419975204879733}, -1, false},
  {{-0.4935014481064946, 0.00056459441283516956}, -1, false},
  {{-0.49416227705892696, -0.00066082895243236954}, -1, false},
  {{-0.49504359290914179, -0.00088131585021481546}, -1, false},
  {{-0.49613881078228883, -0.0010952178731470127}, -1, false},
  {{-0.49643974552609127, -0.00030093474380246557}, -1, false},
  {{-0.49594414770065204, 0.00049559782543923299}, -1, false},
  {{-0.49665572173260458, -0.00071157403195256383}, -1, false},
  {{-0.49856914870480268, -0.0019134269721980835}, -1, false},
  {{-0.50167012152149426, -0.0031009728166915616}, -1, false},
  {{-0.50393544064108942, -0.0022653191195951324}, -1, false},
  {{-0.50634814925664462, -0.0024127086155552166}, -1, false},
  {{-0.50989017982548246, -0.0035420305688377996}, -1, false},
  {{-0.51253499588286155, -0.0026448160573790823}, -1, false},
  {{-0.51426277505322215, -0.0017277791703605517}, -1, false},
  {{-0.51506056507351927, -0.00079779002029717165}, -1, false},
  {{-0.51692238467048235, -0.0018618195969630309}, -1, false},
  {{-0.51883427385153014, -0.0019118891810477965}, -1, false},
  {{-0.52078189557893095, -0.0019476217274007959}, -1, false},
  {{-0.52375064365502444, -0.0029687480760935197}, -1, false},
  {{-0.52571825272073192, -0.0019676090657074832}, -1, false},
  {{-0.52666996581513303, -0.00095171309440116492}, -1, false},
  {{-0.52659864530879774, 7.1320506335247535e-05}, -1, false},
  {{-0.52650482608334293, 9.3819225454792413e-05}, -1, false},
  {{-0.52738921175534648, -0.00088438567200351806}, -1, false},
};

TEST(MountainCar, TrajectoryMatchesReference) {
  auto env = make_mountain_car();
  expect_trajectory(*env, kMountainCarStart, kMountainCarActions, kMountainCarRows);
}

TEST(MountainCar, ContinuesFromASetMidTrajectoryState) {
  auto env = make_mountain_car();
  expect_trajectory(*env, {-0.49613881078228883, -0.0010952178731470127}, kMountainCarActions, kMountainCarRows,
                    10);
}

TEST(MountainCar, PumpingReachesTheFlag) {
  auto env = make_mountain_car();
  const auto actions = digit_actions(
      "2222222222222222222222222222222222222220000000000000000000000000000000000000000000000222222222222222"
      "222222222222222222222222");
  ASSERT_EQ(actions.size(), 124u);
  expect_terminates_at_end(*env, {-0.5, 0.0}, actions, -1.0, -1.0, {0.53494998256557358, 0.048190977928665071});
}

TEST(MountainCar, LeftWallStopsTheCar) {
  auto env = make_mountain_car();
  const std::vector<Row> rows = {
  {{-1.2, 0}, -1, false},
  {{-1.1967581039591646, 0.0032418960408353683}, -1, false},
  };
  expect_trajectory(*env, {-1.19, -0.05}, {0, 2}, rows);
  EXPECT_EQ(rows[0].obs[0], -1.2);
  EXPECT_EQ(rows[0].obs[1], 0.0);
}

TEST(MountainCar, ClipsVelocity) {
  auto env = make_mountain_car();
  const std::vector<Row> rows = {
  {{-0.72999999999999998, 0.070000000000000007}, -1, false},
  };
  expect_trajectory(*env, {-0.8, 0.069}, {2}, rows);
}

TEST(MountainCar, ArrivingAtTheFlagWithZeroVelocityTerminates) {
  auto env = make_mountain_car();
  // The start velocity cancels the step's change exactly, so the car sits at 0.55 with velocity 0.
  const std::vector<Row> rows = {
  {{0.55000000000000004, 0}, -1, true},
  };
  expect_trajectory(*env, {0.55, 0.00080219777798316481}, {0}, rows);
}

TEST(MountainCar, TruncatesAtTwoHundredSteps) {
  auto env = make_mountain_car();
  expect_truncates_at(*env, {-pi / 6, 0.0}, 200, [](const std::vector<float>&) { return 1.0f; });
}

TEST(MountainCar, StepThatTerminatesAtTheLimitReportsBoth) {
  auto env = make_mountain_car();
  // Coast 81 steps at the valley bottom, then pump: the flag is reached on step 200 exactly.
  const auto actions = digit_actions(
      "1111111111111111111111111111111111111111111111111111111111111111111111111111111112222222222222222222"
      "2222222222222222222200000000000000000000000000000000000000000222222222222222222222222222222222222222");
  ASSERT_EQ(actions.size(), 200u);
  std::vector<float> obs(2);
  env->set_state(std::vector<double>{-pi / 6, 0.0}, obs);
  StepResult r;
  for (size_t i = 0; i < actions.size(); ++i) {
    r = step1(*env, actions[i], obs);
    if (i + 1 < actions.size()) {
      ASSERT_FALSE(r.terminated || r.truncated) << "step " << i + 1;
    }
  }
  EXPECT_TRUE(r.terminated);
  EXPECT_TRUE(r.truncated);
  EXPECT_EQ(r.reward, -1.0);
  expect_obs(obs, {0.53685779837885961, 0.049957074543353013}, "final observation");
}

// ----------------------------------------------------------------------------- MountainCarContinuous

const std::vector<float> kMccActions = {0.5f,  -0.3f, 1.0f, 3.0f, -2.5f, 0.0f,  0.75f, -1.0f, 0.2f,
                                        1.5f,  -0.6f, 0.9f, 0.1f, -0.1f, 2.0f,  -3.0f, 0.4f,  0.33f,
                                        -0.8f, 1.0f,  0.6f, 0.6f, -0.9f, 0.05f, 1.2f};
const std::vector<Row> kMccRows = {
  {{-0.4397975167177326, 0.010202483282267397}, -0.025000000000000001, false},
  {{-0.43066694308251546, 0.0091305736352171093}, -0.0090000007152557515, false},
  {{-0.42072436408414704, 0.0099425789983684353}, -0.10000000000000001, false},
  {{-0.41004115310522327, 0.010683210978923764}, -0.90000000000000002, false},
  {{-0.40169324554018704, 0.0083479075650362}, -0.625, false},
  {{-0.39423938444185458, 0.0074538610983324602}, 0, false},
  {{-0.38660654884189877, 0.0076328355999558239}, -0.056250000000000001, false},
  {{-0.38147247542078433, 0.0051340734211144171}, -0.10000000000000001, false},
  {{-0.37707234354808189, 0.0044001318727024293}, -0.004000000119209291, false},
  {{-0.37223610866256929, 0.0048362348855126155}, -0.22500000000000001, false},
  {{-0.3693964811073871, 0.0028396275551822092}, -0.036000002861023006, false},
  {{-0.36632255983863432, 0.0030739212687527556}, -0.080999995708465639, false},
  {{-0.36423492829559673, 0.0020876315430375849}, -0.0010000000298023227, false},
  {{-0.36344751061225078, 0.00078741768334595437}, -0.0010000000298023227, false},
  {{-0.36231554703341601, 0.0011319635788347938}, -0.40000000000000002, false},
  {{-0.36384655944701816, -0.0015310124136021553}, -0.90000000000000002, false},
  {{-0.36593037109910942, -0.0020838116520912556}, -0.016000000476837164, false},
  {{-0.36865809170483987, -0.0027277206057304314}, -0.01089000086545946, false},
  {{-0.37370647167920429, -0.0050483799743644298}, -0.064000001907348655, false},
  {{-0.37834153812242416, -0.0046350664432198672}, -0.10000000000000001, false},
  {{-0.38313187982662045, -0.0047903417041962864}, -0.036000002861023006, false},
  {{-0.38804481900690374, -0.0049129391802833116}, -0.036000002861023006, false},
  {{-0.39529662226157014, -0.0072518032546664158}, -0.080999995708465639, false},
  {{-0.40341210662109062, -0.0081154843595204681}, -0.00025000000745058068, false},
  {{-0.41090958669740679, -0.0074974800763161565}, -0.14400001144409202, false},
};

TEST(MountainCarContinuous, TrajectoryMatchesReference) {
  auto env = make_mountain_car_continuous();
  expect_trajectory(*env, {-0.45, 0.01}, kMccActions, kMccRows);
}

TEST(MountainCarContinuous, EnergyCostUsesTheUnclippedAction) {
  auto a = make_mountain_car_continuous(), b = make_mountain_car_continuous();
  std::vector<float> obs_a(2), obs_b(2);
  a->set_state(std::vector<double>{-0.45, 0.01}, obs_a);
  b->set_state(std::vector<double>{-0.45, 0.01}, obs_b);
  const StepResult ra = step1(*a, 3.0f, obs_a);
  const StepResult rb = step1(*b, 1.0f, obs_b);
  EXPECT_EQ(obs_a, obs_b);                // the force is clipped to 1 ...
  expect_reward(ra.reward, -0.9, "a=3");  // ... but the cost is 0.1 * 3^2
  expect_reward(rb.reward, -0.1, "a=1");
}

TEST(MountainCarContinuous, GoalGivesTheBonus) {
  auto env = make_mountain_car_continuous();
  const std::vector<Row> rows = {
  {{0.46012956137086908, 0.020129561370869069}, 99.974999999999994, true},
  };
  expect_trajectory(*env, {0.44, 0.02}, {0.5f}, rows);
}

TEST(MountainCarContinuous, BangBangPumpingReachesTheGoal) {
  auto env = make_mountain_car_continuous();
  const std::string signs =
      "+++++++++++++++++++++++++++++++++++++++++++-----------------------------++++++++++++++++++++++++++++++++++";
  std::vector<float> actions;
  for (char c : signs) actions.push_back(c == '+' ? 1.0f : -1.0f);
  expect_terminates_at_end(*env, {-0.5, 0.0}, actions, -0.1, 99.9, {0.50208672424699163, 0.064047677261632893});
}

TEST(MountainCarContinuous, GoalIsDecidedOnTheDoubleState) {
  auto env = make_mountain_car_continuous();
  // Crosses 0.45 by 1e-9 (the float observation even rounds below 0.45). Gymnasium keeps a float32 state
  // here and would not terminate; the spec asks for a double state.
  const std::vector<Row> rows = {
  {{0.45000000099999998, 2.0000000000314905e-09}, 100, true},
  };
  expect_trajectory(*env, {0.44999999899999998, 0.00054751872505052958}, {0.0f}, rows);
}

TEST(MountainCarContinuous, LeftWallStopsTheCar) {
  auto env = make_mountain_car_continuous();
  const std::vector<Row> rows = {
  {{-1.2, 0}, -0.10000000000000001, false},
  };
  expect_trajectory(*env, {-1.19, -0.05}, {-1.0f}, rows);
}

TEST(MountainCarContinuous, TruncatesAt999Steps) {
  auto env = make_mountain_car_continuous();
  expect_truncates_at(*env, {-pi / 6, 0.0}, 999, [](const std::vector<float>&) { return 0.0f; });
}

// ------------------------------------------------------------------------------------------ Pendulum

const std::vector<double> kPendulumStart = {2.5, -3.0};
const std::vector<float> kPendulumActions = {0.5f,  -1.0f, 2.0f, 3.5f, -2.5f, 0.0f,  1.25f, -0.75f, 0.3f, 1.9f,
                                             -1.9f, 0.1f,  0.0f, -0.2f, 2.2f, -3.0f, 0.8f,  0.45f,  -1.1f, 1.0f,
                                             0.6f,  0.6f,  -0.9f, 0.05f, 1.2f, -0.4f, 0.7f,  1.7f,   -1.3f, 0.0f};
const std::vector<Row> kPendulumRows = {
  {{-0.72110532083211232, 0.69282545873229595, -2.4761458919220325}, -7.1502500000000007, false},
  {{-0.64427125422181908, 0.76479706522936142, -2.1065267978728106}, -6.2604216210229344, false},
  {{-0.59593026708728936, 0.80303618646314556, -1.2329289989507894}, -5.604579565021397, false},
  {{-0.58257316152224181, 0.81277826710239987, -0.33065185910343031}, -5.0366640269643224, false},
  {{-0.58171665137006301, 0.81339150322510778, -0.02106815877663043}, -4.8228107599167087, false},
  {{-0.60541434851561637, 0.79591046394139819, 0.58897546864220041}, -4.8033036026575413, false},
  {{-0.65860001237895482, 0.75249320508190676, 1.3734083165982491}, -4.9694600176474184, false},
  {{-0.72443932086929064, 0.68933857456147118, 1.8252782204096794}, -5.4321568173705721, false},
  {{-0.80137164862045651, 0.59816676670250712, 2.3872821531189219}, -6.0024960836845747, false},
  {{-0.8845974671664194, 0.46635535923022858, 3.1209072245695237}, -6.8254273660596931, false},
  {{-0.9473685730720659, 0.32014494647799424, 3.1856737475684738}, -8.0342178543698299, false},
  {{-0.98818943212134291, 0.15323722212209975, 3.4407824576504868}, -8.9430854908733508, false},
  {{-0.99971340019692256, -0.023939871902491389, 3.5557103742420617}, -10.11054423646222, false},
  {{-0.98019947963079146, -0.19801257569034766, 3.5077554698681581}, -10.984092231601512, false},
  {{-0.92781195982222819, -0.37304821030375679, 3.6592460381003975}, -9.8913447623043691, false},
  {{-0.85962287540356219, -0.51092906756506995, 3.0794598803725797}, -8.9567469588769573, false},
  {{-0.77940649008927021, -0.62651857371248321, 2.8162630814869165}, -7.736678306718078, false},
  {{-0.69830318362386312, -0.71580211213768941, 2.4138741494144149}, -6.8671668657725444, false},
  {{-0.63454765372203781, -0.77288373974088542, 1.712022561734869}, -6.0773836744313607, false},
  {{-0.58372194859886695, -0.81195362350564193, 1.2823597569292049}, -5.3936571432550444, false},
  {{-0.5523122564966132, -0.83363731401828423, 0.76339454287625219}, -4.978885816462129, false},
  {{-0.54276611352515358, -0.83988388840886818, 0.22816656093881771}, -4.7066787055705595, false},
  {{-0.56510818889897318, -0.82501680882229445, -0.53674635179155472}, -4.6049965779668991, false},
  {{-0.61150781564117662, -0.79123839101105098, -1.1480089582965169}, -4.7436194970024337, false},
  {{-0.67135586458585539, -0.74113514495412958, -1.5614377444022478}, -5.1006087554172606, false},
  {{-0.74790551422651474, -0.66380519867621746, -2.1772891040119147}, -5.5654474805161627, false},
  {{-0.82680764216455283, -0.56248477566801103, -2.5701430048072171}, -6.3101431967486734, false},
  {{-0.89581366858595479, -0.4444298270532403, -2.7370065794056679}, -7.1364308100509168, false},
  {{-0.95613933886132307, -0.29291221326846711, -3.2653289425430407}, -7.9388663041228238, false},
  {{-0.99244250795479816, -0.12271050649553382, -3.4850131024943911}, -9.1564016878193648, false},
};

TEST(Pendulum, TrajectoryMatchesReference) {
  auto env = make_pendulum();
  expect_trajectory(*env, kPendulumStart, kPendulumActions, kPendulumRows);
}

TEST(Pendulum, ContinuesFromASetMidTrajectoryState) {
  auto env = make_pendulum();
  expect_trajectory(*env, {2.9877492940965924, 3.4407824576504868}, kPendulumActions, kPendulumRows, 12);
}

TEST(Pendulum, RewardUsesThePreUpdateState) {
  auto env = make_pendulum();
  std::vector<float> obs(3);
  env->set_state(std::vector<double>{0.5, 1.0}, obs);
  expect_reward(step1(*env, 0.0f, obs).reward, -(0.25 + 0.1), "from [0.5, 1]");
}

TEST(Pendulum, RewardNormalisesTheAngle) {
  auto env = make_pendulum();
  const std::vector<Row> wrap_up = {
  {{0.087575014638167192, -0.99615792764557409, -0.24625312395851939}, -2.1882418349133612, false},
  {{0.038009607090756688, -0.99927737379008352, -0.99337156969270002}, -2.2056763155399381, false},
  };
  expect_trajectory(*env, {1.5 * pi + 0.1, 0.5}, {0.0f, 0.0f}, wrap_up);
  const std::vector<Row> wrap_down = {
  {{0.710771678936016, -0.70342278924020996, -1.2677399490390919}, -0.61607330384322412, false},
  };
  expect_trajectory(*env, {-7.0, -1.0}, {1.5f}, wrap_down);
  // A whole turn away from upright costs nothing for the angle.
  std::vector<float> obs(3);
  env->set_state(std::vector<double>{4 * pi, 0.0}, obs);
  EXPECT_NEAR(step1(*env, 0.0f, obs).reward, 0.0, 1e-20);
}

TEST(Pendulum, ClipsSpeed) {
  auto env = make_pendulum();
  const std::vector<Row> rows = {
  {{0.16996714290024104, 0.98544972998846014, 8}, -7.2450000000000001, false},
  };
  expect_trajectory(*env, {1.0, 7.9}, {2.0f}, rows);
}

TEST(Pendulum, SpinningKeepsAnUnwrappedAngleAndANormalisedCost) {
  auto env = make_pendulum();
  // Full torque from [0, 8]: the pendulum turns more than twice, theta reaching 14.8 rad.
  const std::vector<Row> rows = {
  {{0.9210609940028851, 0.38941834230865052, 8}, -6.4039999999999999, false},
  {{0.69670670934716539, 0.71735609089952279, 8}, -6.5640000000000001, false},
  {{0.3623577544766734, 0.9320390859672264, 8}, -7.0439999999999996, false},
  {{-0.029199522301288815, 0.99957360304150511, 8}, -7.8440000000000003, false},
  {{-0.41614683654714241, 0.90929742682568171, 8}, -8.9639999999999986, false},
  {{-0.73739371554124544, 0.67546318055115095, 8}, -10.404, false},
  {{-0.94222234066865806, 0.33498815015590511, 8}, -12.164000000000001, false},
  {{-0.99829477579475312, -0.058374143427579642, 8}, -14.243999999999998, false},
  {{-0.89675841633414721, -0.44252044329485207, 8}, -15.910031638408084, false},
  {{-0.65484952357297288, -0.75575928805159287, 7.9681096675288607}, -13.603483392664414, false},
  {{-0.32302015512287902, -0.94639208544048548, 7.7012902014901661}, -11.573296010634612, false},
  {{0.035648265320188527, -0.99936439859525783, 7.2914961374098022}, -9.5439053499719293, false},
  {{0.36883418413499697, -0.92949520956994236, 6.8419728384633585}, -7.677247967982888, false},
  {{0.64421541827254347, -0.76484409840171474, 6.444851431285902}, -6.1086081237145606, false},
  {{0.84606399532602306, -0.53308134070980873, 6.1712183574846158}, -4.915902406469673, false},
  {{0.96673155001188738, -0.25579310039876685, 6.0714073519522591}, -4.1285055924564018, false},
  {{0.99873471290689164, 0.050288897728910674, 6.179562526653184}, -3.7571078616443474, false},
  {{0.93007694800095853, 0.36736476531809947, 6.5172791999498667}, -3.8252304100984533, false},
  {{0.74463117871924744, 0.66747614764812691, 7.0928027739384412}, -4.392999754293565, false},
  {{0.43073912680999632, 0.90247648425593996, 7.8934098846745364}, -5.5688745389556411, false},
  {{0.045296111824062582, 0.99897360438282956, 8}, -7.5013077962572892, false},
  {{-0.34729816324772167, 0.9377547578150478, 8}, -8.7311036045990882, false},
  {{-0.68506169473670897, 0.72848505434529554, 8}, -10.11149137368866, false},
  {{-0.91466904776726643, 0.40420357872799939, 8}, -11.811879142778229, false},
  {{-0.99987026990367245, 0.016107245660173415, 8}, -13.832266911867803, false},
  {{-0.92721396157555236, -0.37453206733118344, 8}, -16.172654680957375, false},
  {{-0.70817095630058957, -0.70604100210420384, 8}, -14.00891257617287, false},
  {{-0.38792645659343328, -0.92169032992370226, 7.7704692484218469}, -11.962752099518772, false},
  {{-0.029416487406284712, -0.99956724149437581, 7.3792015009790699}, -9.9196778167587318, false},
  {{0.31177024566329803, -0.95015752058226999, 6.9295260698582881}, -8.0099561130317465, false},
  {{0.59951977967270398, -0.80035994014017997, 6.5169079294215857}, -6.3776990356681011, false},
  {{0.81558117824972332, -0.57864267184921048, 6.216637974316451}, -5.1119986921655896, false},
  {{0.95143545798597684, -0.30784828940082559, 6.0826559704295429}, -4.2494260836284798, false},
  {{0.99998573062520502, -0.00534214806748736, 6.1517697533789235}, -3.8017959641456662, false},
  {{0.95016050988560019, 0.31176113525251403, 6.4477631423283084}, -3.7884556486762406, false},
  {{0.78622198249369113, 0.61794416757801829, 6.9815839937676936}, -4.2618831096984131, false},
  {{0.49463867661678473, 0.86909871682956463, 7.7450421194512078}, -5.3219742660663707, false},
  {{0.11714940954658273, 0.99311430149952373, 8}, -7.1121714568203984, false},
  {{-0.27883517340913166, 0.96033897456569961, 8}, -8.5163055450530898, false},
  {{-0.63079781351294595, 0.77594723948686528, 8}, -9.8390073764931056, false},
  };
  expect_trajectory(*env, {0.0, 8.0}, std::vector<float>(40, 2.0f), rows);
}

TEST(Pendulum, TruncatesAtTwoHundredSteps) {
  auto env = make_pendulum();
  expect_truncates_at(*env, {pi, 0.0}, 200, [](const std::vector<float>& o) { return o[2] > 0 ? 2.0f : -2.0f; });
}

// ------------------------------------------------------------------------------------- All five envs

using Factory = std::unique_ptr<Env> (*)();

struct ResetRange {
  const char* name;
  Factory make;
};

const ResetRange kAll[] = {{"CartPole-v1", make_cartpole},
                           {"Acrobot-v1", make_acrobot},
                           {"MountainCar-v0", make_mountain_car},
                           {"MountainCarContinuous-v0", make_mountain_car_continuous},
                           {"Pendulum-v1", make_pendulum}};

// The internal state behind a reset observation (angles recovered from cos/sin).
std::vector<double> state_of(const std::string& name, const std::vector<float>& o) {
  if (name == "Acrobot-v1") return {std::atan2(o[1], o[0]), std::atan2(o[3], o[2]), o[4], o[5]};
  if (name == "Pendulum-v1") return {std::atan2(o[1], o[0]), o[2]};
  return {o.begin(), o.end()};
}

TEST(ClassicControl, ResetDrawsEachComponentUniformlyFromTheSpecRanges) {
  struct Range {
    double lo, hi;
  };
  const std::vector<std::vector<Range>> ranges = {
      {{-0.05, 0.05}, {-0.05, 0.05}, {-0.05, 0.05}, {-0.05, 0.05}},
      {{-0.1, 0.1}, {-0.1, 0.1}, {-0.1, 0.1}, {-0.1, 0.1}},
      {{-0.6, -0.4}, {0.0, 0.0}},
      {{-0.6, -0.4}, {0.0, 0.0}},
      {{-pi, pi}, {-1.0, 1.0}},
  };
  for (size_t e = 0; e < std::size(kAll); ++e) {
    auto env = kAll[e].make();
    std::vector<float> obs(env->observation_space().dim());
    const auto& range = ranges[e];
    std::vector<double> lo(range.size(), 1e9), hi(range.size(), -1e9);
    for (uint64_t seed = 0; seed < 2000; ++seed) {
      env->reset(seed, obs);
      const auto s = state_of(kAll[e].name, obs);
      for (size_t i = 0; i < range.size(); ++i) {
        const double slack = 1e-6 * std::max(1.0, std::abs(range[i].lo));  // float observations
        ASSERT_GE(s[i], range[i].lo - slack) << kAll[e].name << " seed " << seed << " component " << i;
        ASSERT_LE(s[i], range[i].hi + slack) << kAll[e].name << " seed " << seed << " component " << i;
        lo[i] = std::min(lo[i], s[i]);
        hi[i] = std::max(hi[i], s[i]);
      }
    }
    // The draws fill the range (2000 uniform draws leave gaps far below 2% at either end).
    for (size_t i = 0; i < range.size(); ++i) {
      const double width = range[i].hi - range[i].lo;
      EXPECT_LE(lo[i], range[i].lo + 0.02 * width) << kAll[e].name << " component " << i;
      EXPECT_GE(hi[i], range[i].hi - 0.02 * width) << kAll[e].name << " component " << i;
    }
  }
}

TEST(ClassicControl, ResetIsAFunctionOfTheSeed) {
  for (const auto& info : kAll) {
    auto env = info.make();
    std::vector<float> a(env->observation_space().dim()), b(a.size()), c(a.size());
    std::set<std::vector<float>> distinct;
    for (uint64_t seed = 0; seed < 100; ++seed) {
      env->reset(seed, a);
      step1(*env, 1.0f, c);  // stepping in between must not matter
      env->reset(seed, b);
      EXPECT_EQ(a, b) << info.name << " seed " << seed;
      distinct.insert(a);
    }
    EXPECT_EQ(distinct.size(), 100u) << info.name;
  }
}

TEST(ClassicControl, ResetDrawsFromStreamOfTheSeedInStateOrder) {
  const uint64_t seed = 0x1234567890abcdefULL;
  std::vector<float> obs(4);
  auto cartpole = make_cartpole();
  cartpole->reset(seed, obs);
  Stream rng(seed);
  for (float v : obs) EXPECT_EQ(v, static_cast<float>(rng.uniform(-0.05, 0.05)));

  obs.resize(3);
  auto pendulum = make_pendulum();
  pendulum->reset(seed, obs);
  Stream rng2(seed);
  const double theta = rng2.uniform(-pi, pi), theta_dot = rng2.uniform(-1.0, 1.0);
  EXPECT_EQ(obs[0], static_cast<float>(std::cos(theta)));
  EXPECT_EQ(obs[1], static_cast<float>(std::sin(theta)));
  EXPECT_EQ(obs[2], static_cast<float>(theta_dot));

  obs.resize(2);
  auto car = make_mountain_car();
  car->reset(seed, obs);
  Stream rng3(seed);
  EXPECT_EQ(obs[0], static_cast<float>(rng3.uniform(-0.6, -0.4)));
  EXPECT_EQ(obs[1], 0.0f);
}

TEST(ClassicControl, ResetAndSetStateRestartTheStepCounter) {
  for (const auto& info : kAll) {
    auto env = info.make();
    const int limit = env->max_episode_steps();
    std::vector<float> obs(env->observation_space().dim());
    std::vector<double> rest(env->state_dim(), 0.0);
    if (std::string(info.name).starts_with("MountainCar")) rest[0] = -pi / 6;  // valley bottom
    if (std::string(info.name) == "Pendulum-v1") rest[0] = pi;                 // hanging down
    const float idle = env->action_space().is_discrete() ? 1.0f : 0.0f;
    env->set_state(rest, obs);
    for (int i = 0; i < limit - 10; ++i) step1(*env, idle, obs);
    env->set_state(rest, obs);
    for (int i = 1; i < limit; ++i) ASSERT_FALSE(step1(*env, idle, obs).truncated) << info.name << " step " << i;
    EXPECT_TRUE(step1(*env, idle, obs).truncated) << info.name;
    env->reset(7, obs);
    EXPECT_FALSE(step1(*env, idle, obs).truncated) << info.name;
  }
}

TEST(ClassicControl, Spaces) {
  const double inf = std::numeric_limits<double>::infinity();
  const double theta2 = 2 * (12 * 2 * pi / 360);
  struct Expect {
    std::vector<double> obs_high;
    int n;  // discrete actions, or 0 for a box
    std::vector<double> act_high;
    int limit;
    size_t state_dim;
  };
  const Expect expect[] = {
      {{4.8, inf, theta2, inf}, 2, {}, 500, 4},
      {{1, 1, 1, 1, 4 * pi, 9 * pi}, 3, {}, 500, 4},
      {{0.6, 0.07}, 3, {}, 200, 2},
      {{0.6, 0.07}, 0, {1.0}, 999, 2},
      {{1, 1, 8}, 0, {2.0}, 200, 2},
  };
  for (size_t e = 0; e < std::size(kAll); ++e) {
    auto env = kAll[e].make();
    const auto& x = expect[e];
    SCOPED_TRACE(kAll[e].name);
    EXPECT_EQ(env->observation_space().high, x.obs_high);
    std::vector<double> obs_low = x.obs_high;
    for (auto& v : obs_low) v = -v;
    if (e == 2 || e == 3) obs_low[0] = -1.2;  // the car's track is asymmetric
    EXPECT_EQ(env->observation_space().low, obs_low);
    EXPECT_EQ(env->action_space().is_discrete(), x.n > 0);
    if (x.n > 0) {
      EXPECT_EQ(env->action_space().n, x.n);
    } else {
      EXPECT_EQ(env->action_space().high, x.act_high);
      EXPECT_EQ(env->action_space().low, std::vector<double>{-x.act_high[0]});
    }
    EXPECT_EQ(env->action_space().dim(), 1u);
    EXPECT_EQ(env->max_episode_steps(), x.limit);
    EXPECT_EQ(env->state_dim(), x.state_dim);
  }
}

TEST(ClassicControl, RejectsBadInput) {
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  for (const auto& info : kAll) {
    SCOPED_TRACE(info.name);
    auto env = info.make();
    const size_t d = env->observation_space().dim();
    std::vector<float> obs(d), short_obs(d - 1);
    std::vector<double> state(env->state_dim(), 0.1);
    EXPECT_THROW(env->set_state(std::vector<double>(env->state_dim() + 1, 0.0), obs), UsageError);
    EXPECT_THROW(env->set_state(std::vector<double>(env->state_dim() - 1, 0.0), obs), UsageError);
    state[0] = std::numeric_limits<double>::quiet_NaN();
    EXPECT_THROW(env->set_state(state, obs), UsageError);
    state[0] = 0.1;
    EXPECT_THROW(env->set_state(state, short_obs), UsageError);
    EXPECT_THROW(env->reset(1, short_obs), UsageError);
    env->set_state(state, obs);
    EXPECT_THROW(env->step(std::vector<float>{}, obs), UsageError);
    EXPECT_THROW(env->step(std::vector<float>{0.0f, 0.0f}, obs), UsageError);
    EXPECT_THROW(step1(*env, 0.0f, short_obs), UsageError);
    EXPECT_THROW(step1(*env, nan, obs), UsageError);
    EXPECT_THROW(step1(*env, inf, obs), UsageError);
    if (env->action_space().is_discrete()) {
      const int n = env->action_space().n;
      EXPECT_THROW(step1(*env, static_cast<float>(n), obs), UsageError);
      EXPECT_THROW(step1(*env, -1.0f, obs), UsageError);
      EXPECT_THROW(step1(*env, 0.5f, obs), UsageError);
      for (int a = 0; a < n; ++a) EXPECT_NO_THROW(step1(*env, static_cast<float>(a), obs));
    } else {
      EXPECT_NO_THROW(step1(*env, 100.0f, obs));  // out of range is clipped, not an error
    }
  }
}

TEST(ClassicControl, ActionErrorNamesTheEnvironmentAndTheAction) {
  auto env = make_cartpole();
  std::vector<float> obs(4);
  env->reset(1, obs);
  try {
    step1(*env, 2.0f, obs);
    FAIL() << "expected UsageError";
  } catch (const UsageError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("CartPole-v1"), std::string::npos) << msg;
    EXPECT_NE(msg.find("action 2 "), std::string::npos) << msg;
    EXPECT_NE(msg.find("0 to 1"), std::string::npos) << msg;
  }
}

// ------------------------------------------------------------------------------------------ Registry

TEST(EnvRegistry, ListsTheClassicControlEnvironments) {
  const std::vector<std::pair<std::string, int>> expected = {{"CartPole-v1", 500},
                                                             {"Acrobot-v1", 500},
                                                             {"MountainCar-v0", 200},
                                                             {"MountainCarContinuous-v0", 999},
                                                             {"Pendulum-v1", 200}};
  for (const auto& entry : expected) {
    const std::string& name = entry.first;  // not a structured binding: clang 14 cannot capture one
    const int limit = entry.second;
    const auto& reg = env_registry();
    const auto it = std::find_if(reg.begin(), reg.end(), [&](const EnvInfo& i) { return i.name == name; });
    ASSERT_NE(it, reg.end()) << name;
    EXPECT_FALSE(it->description.empty()) << name;
    EXPECT_EQ(it->make()->max_episode_steps(), limit) << name;
    EXPECT_EQ(make_env(name)->max_episode_steps(), limit) << name;
  }
}

std::string make_env_error(const std::string& name) {
  try {
    make_env(name);
  } catch (const UsageError& e) {
    return e.what();
  }
  ADD_FAILURE() << "make_env(\"" << name << "\") did not throw UsageError";
  return "";
}

TEST(EnvRegistry, UnknownNameSuggestsTheNearestEnvironment) {
  const std::string msg = make_env_error("CartPole-v0");
  EXPECT_NE(msg.find("unknown environment 'CartPole-v0'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean 'CartPole-v1'"), std::string::npos) << msg;
  EXPECT_NE(make_env_error("pendulum-v1").find("did you mean 'Pendulum-v1'"), std::string::npos);
  const std::string far = make_env_error("NoSuchThing-v9");
  EXPECT_EQ(far.find("did you mean"), std::string::npos) << far;
  EXPECT_NE(far.find("valid: "), std::string::npos) << far;
  EXPECT_NE(far.find("MountainCarContinuous-v0"), std::string::npos) << far;
}

}  // namespace
}  // namespace neuroevo
