"""OpenAI-ES on CartPole with the fast path: neuroevo.Task evaluates the whole population in C++ on all
cores (GIL released), Python only does ask/tell.

    PYTHONPATH=build/python python3 examples/python/openai_es_fast_path.py
"""

import neuroevo

task = neuroevo.Task("CartPole-v1", policy={"type": "mlp", "hidden": [16]})
es = neuroevo.Strategy("openai_es", num_params=task.num_params, seed=1, population=64, sigma=0.1,
                       init_low=-0.1, init_high=0.1, noise_size=1 << 22)
for g in range(30):
    X = es.ask_float32()
    returns = task.evaluate(X, episodes=2, seed=g)
    es.tell(X, returns, maximize=True)
    print(f"generation {es.generation}: best {returns.max():.1f} mean {returns.mean():.1f}")
score = task.evaluate(es.champion()[None, :], episodes=20, seed=12345)[0]
print(f"champion: mean return over 20 episodes {score:.1f}")
