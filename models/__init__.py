import os

# Passive OpenMP waiting: with the default spin-waiting, 2 torch threads on a machine shared
# with browser tests ran 5-10x slower (measured 7-16 s/step vs 1.3-1.6 s/step for the UNet).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
