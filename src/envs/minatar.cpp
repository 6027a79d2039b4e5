// The MinAtar game factory: game name -> game, with the options of include/neuroevo/envs/minatar.hpp.
#include "neuroevo/envs/minatar.hpp"

#include "minatar_base.hpp"
#include "neuroevo/core/suggest.hpp"

namespace neuroevo {

const std::vector<std::string>& minatar_games() {
  static const std::vector<std::string> games = {"asterix", "breakout", "freeway", "seaquest", "space_invaders"};
  return games;
}

std::unique_ptr<Env> make_minatar(const std::string& game, const MinAtarOptions& o) { return make_minatar_game(game, o); }

std::unique_ptr<MinAtarEnv> make_minatar_game(const std::string& game, const MinAtarOptions& o) {
  if (!(o.sticky_prob >= 0.0 && o.sticky_prob <= 1.0))
    throw UsageError("minatar: sticky action probability must be in [0, 1]");
  if (game == "asterix") return make_minatar_asterix(o);
  if (game == "breakout") return make_minatar_breakout(o);
  if (game == "freeway") return make_minatar_freeway(o);
  if (game == "seaquest") return make_minatar_seaquest(o);
  if (game == "space_invaders") return make_minatar_space_invaders(o);
  throw UsageError(unknown_name_message("MinAtar game", game, minatar_games()));
}

}  // namespace neuroevo
