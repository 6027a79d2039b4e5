#!/usr/bin/env python3
"""Writes a neuroevo champion file holding a linear policy published by the ARS authors, to run it in our
environments (a check that our MuJoCo task matches the one the policy was trained on).

    bench/ars_policy_to_champion.py POLICY.npz TEMPLATE.bin OUT.bin

POLICY.npz: a trained policy of modestyachts/ARS (trained_policies/<Env>/*.npz: an object array holding
M [action][observation], the observation filter's mean and std; their code/run_policy.py applies
a = M (x - mean) / std). TEMPLATE.bin: a champion of a linear policy with obs_norm on the same task
(e.g. a run of examples/ars_walker2d.toml); its header (env, policy table) is kept, its parameters and
observation statistics are replaced: count 1, sum = mean, sumsq = std^2 + mean^2, so that with
policy.obs_norm_var_floor = 0 the normaliser's mean and std are the policy's. Needs numpy (Debian's
python3-numpy: run with /usr/bin/python3 if another python3 comes first on PATH).
Then: build/neuroevo eval OUT.bin --episodes 100 --seed 0
"""
import json
import struct
import sys

import numpy as np


def fnv1a64(data: bytes) -> int:
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def main() -> None:
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    policy, template, out = sys.argv[1:]
    arr = np.load(policy, allow_pickle=True, encoding="latin1")["arr_0"]
    m, mean, std = (np.asarray(arr[k], dtype=np.float64) for k in range(3))
    text = open(template, "rb").read()
    nl = text.index(b"\n")
    payload = text[nl + 1:]
    hlen = struct.unpack("<I", payload[:4])[0]
    header = json.loads(payload[4:4 + hlen])
    genome = payload[4 + hlen:]
    if genome[0] != 1:  # Genome::Kind::Dense
        sys.exit(f"{template}: the champion's genome is not dense (kind {genome[0]})")
    count = struct.unpack("<I", genome[1:5])[0]
    if count != m.size or header["obs_norm"] is None or len(header["obs_norm"]["sum"]) != mean.size:
        sys.exit(f"{template}: {count} parameters / obs_norm do not fit a {m.shape} policy")
    header["obs_norm"] = {"count": 1.0, "sum": mean.tolist(), "sumsq": (std * std + mean * mean).tolist()}
    h = json.dumps(header, separators=(",", ":")).encode()
    g = bytes([1]) + struct.pack("<I", m.size) + m.astype("<f4").tobytes()  # row-major [action][obs]
    body = struct.pack("<I", len(h)) + h + g
    with open(out, "wb") as f:
        f.write(b"neuroevo-champion 1 %d %016x\n" % (len(body), fnv1a64(body)) + body)


if __name__ == "__main__":
    main()
