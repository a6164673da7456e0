"""The procedural asset library and user meshes. See `registry` for names and parameters."""
from bridge.assets.registry import ASSETS, AssetSpec, asset_names

__all__ = ["ASSETS", "AssetSpec", "asset_names"]
