"""The International Day of Educating Cities kit: emails, press release, posts, cards, calendar.

`load_kit_inputs(session, year, ...)` reads the database into a `KitInput`;
`build_kit(inputs, out_dir, zip_path=...)` writes the files and returns a `KitManifest`;
`check_kit(out_dir, languages)` lists what a built kit gets wrong (empty when it passes).
"""

from campaigns.kit.builder import KitFile, KitManifest, build_kit
from campaigns.kit.checks import check_kit
from campaigns.kit.content import KIT_LANGUAGES, Activity, DayItem, KitError, KitInput
from campaigns.kit.inputs import load_kit_inputs

__all__ = [
    "KIT_LANGUAGES",
    "Activity",
    "DayItem",
    "KitError",
    "KitFile",
    "KitInput",
    "KitManifest",
    "build_kit",
    "check_kit",
    "load_kit_inputs",
]
