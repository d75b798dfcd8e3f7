"""The four seed plans of shared/seeds/, one SEED dict per plan, in loading order."""

from app.demo.seeds import bogota, cali_gd, cali_pet, cauca

SEEDS = [cauca.SEED, cali_pet.SEED, cali_gd.SEED, bogota.SEED]

__all__ = ["SEEDS"]
