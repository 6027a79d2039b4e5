// An optional interface of a Task: what it can say about a structured champion beyond its fitness
// (symbolic regression: the formula and its training and test errors), shown in summary.json's champion
// and by `neuroevo eval`. A task opts in by also deriving from ChampionDetails; callers find it with
// champion_details(task), so tasks without details need no change.
#pragma once
#include <nlohmann/json.hpp>

namespace neuroevo {

class Candidate;
class Task;

class ChampionDetails {
 public:
  virtual ~ChampionDetails() = default;
  // A JSON object of fields about `champion`, or null for nothing.
  virtual nlohmann::json describe(const Candidate& champion) const = 0;
};

// The task's details of `champion`, or null when the task has none.
nlohmann::json champion_details(const Task& task, const Candidate& champion);

}  // namespace neuroevo
