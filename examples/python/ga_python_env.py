"""The GA (neuroevo.Strategy("ga")) on an environment written in Python with the Gymnasium protocol:
a point on a line must reach a target and stay there. The policy is a tiny tanh layer in numpy.

    PYTHONPATH=build/python python3 examples/python/ga_python_env.py
"""
import numpy as np

import neuroevo


class Box:
    def __init__(self, low, high):
        self.low, self.high = np.asarray(low, np.float32), np.asarray(high, np.float32)
        self.shape, self.dtype = self.low.shape, np.dtype(np.float32)

    def sample(self):
        return np.random.uniform(self.low, self.high).astype(np.float32)

    def contains(self, x):
        return np.shape(x) == self.shape and bool(np.all((x >= self.low) & (x <= self.high)))


class ReachTarget:
    """obs = (position, target); action in [-1, 1] moves by 0.1 * action; reward = -|position - target|."""

    metadata = {"render_modes": []}
    observation_space = Box([-2.0, -1.0], [2.0, 1.0])
    action_space = Box([-1.0], [1.0])

    def reset(self, *, seed=None, options=None):
        self.rng = np.random.default_rng(seed)
        self.x, self.target, self.t = 0.0, float(self.rng.uniform(-1, 1)), 0
        return np.array([self.x, self.target], np.float32), {}

    def step(self, action):
        self.x = float(np.clip(self.x + 0.1 * float(np.clip(action[0], -1, 1)), -2, 2))
        self.t += 1
        reward = -abs(self.x - self.target)
        return np.array([self.x, self.target], np.float32), reward, False, self.t >= 40, {}



def episode_return(env, params, seed):
    obs, _ = env.reset(seed=seed)
    total, done = 0.0, False
    while not done:
        obs, r, terminated, truncated, _ = env.step(np.tanh(params[:2] @ obs + params[2]).reshape(1))
        total += r
        done = terminated or truncated
    return total


def main():
    env = ReachTarget()
    ga = neuroevo.Strategy("ga", num_params=3, seed=0, population=50, truncation=10, sigma=0.5,
                           elite_candidates=5, elite_episodes=3, init_low=-0.1, init_high=0.1, noise_size=1 << 16)
    episode = 0
    for _ in range(60):
        X = ga.ask()
        returns = []
        for x in X:
            returns.append(np.mean([episode_return(env, x, episode + k) for k in range(3)]))
            episode += 3
        ga.tell(X, np.array(returns), maximize=True)
    champion = ga.champion().astype(np.float64)
    score = np.mean([episode_return(env, champion, 10_000 + k) for k in range(20)])
    print(f"generation {ga.generation}: champion {champion}, mean return over 20 episodes {score:.2f}")
    return score


if __name__ == "__main__":
    main()
