from .world import *  # noqa
