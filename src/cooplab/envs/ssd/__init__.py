"""Sequential social dilemmas: Harvest, Cleanup, Gathering and Wolfpack, batched.

Spatial, temporally extended dilemmas (Leibo et al. 2017), with the state of
``B`` environments and ``N`` agents as arrays and egocentric partial views:

- :class:`Harvest` (``harvest_v1``): the commons (Perolat et al. 2017; Hughes et al. 2018);
- :class:`Cleanup` (``cleanup_v1``): the public good (Hughes et al. 2018);
- :class:`Gathering` (``gathering_v1``): apples and a tagging beam (Leibo et al. 2017);
- :class:`Wolfpack` (``wolfpack_v1``): hunting together or alone (Leibo et al. 2017).

The shared engine is :mod:`~cooplab.envs.ssd.grid`, the maps
:mod:`~cooplab.envs.ssd.maps`, the pictures :mod:`~cooplab.envs.ssd.render`.
"""

from cooplab.envs.ssd.cleanup import Cleanup
from cooplab.envs.ssd.gathering import Gathering
from cooplab.envs.ssd.grid import ACTION_NAMES, GridEnv, View
from cooplab.envs.ssd.harvest import Harvest
from cooplab.envs.ssd.maps import GridMap, parse_map
from cooplab.envs.ssd.wolfpack import Wolfpack

#: The sequential social dilemmas by registry name.
SSD_ENVS: dict[str, type[GridEnv]] = {
    Harvest.name: Harvest,
    Cleanup.name: Cleanup,
    Gathering.name: Gathering,
    Wolfpack.name: Wolfpack,
}

__all__ = [
    "ACTION_NAMES",
    "SSD_ENVS",
    "Cleanup",
    "Gathering",
    "GridEnv",
    "GridMap",
    "Harvest",
    "View",
    "Wolfpack",
    "parse_map",
]
