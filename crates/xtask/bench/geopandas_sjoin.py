"""The GeoPandas baseline of `solidarites communes assign --counts` (cargo xtask bench).

Reads the communes (GeoJSON, `code` property) and the points CSV (`lon,lat` header), joins
each point to the commune containing it (`geopandas.sjoin`, predicate `within`, shapely's
STRtree underneath) and writes the number of points per commune and outside, as our
command does. The caller times the whole process, interpreter start and imports included.

Usage: python3 geopandas_sjoin.py communes.geojson points.csv > counts.csv
"""

import sys

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point


def main() -> None:
    communes_path, points_path = sys.argv[1], sys.argv[2]
    communes = gpd.read_file(communes_path)[["code", "geometry"]]
    table = pd.read_csv(points_path)
    points = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(table["lon"], table["lat"]), crs=communes.crs
    )
    joined = gpd.sjoin(points, communes, how="left", predicate="intersects")
    # A point on a border shared by two communes is joined to both. Keep the one our
    # index gives it (half-open rule: the commune to its east, or to its north on a
    # horizontal border), so that the counts can be compared exactly.
    shared = joined.index.duplicated(keep=False)
    if shared.any():
        geometry = communes.set_index("code")["geometry"]
        keep = []
        for index, rows in joined[shared].groupby(level=0):
            point = rows.geometry.iloc[0]
            east = Point(point.x + 1e-9, point.y)
            north = Point(point.x, point.y + 1e-9)
            codes = list(rows["code"])
            chosen = next((c for c in codes if geometry[c].contains(east)), None)
            chosen = chosen or next((c for c in codes if geometry[c].contains(north)), codes[0])
            keep.append(rows[rows["code"] == chosen].iloc[:1])
        joined = pd.concat([joined[~shared], *keep])
    counts = joined["code"].fillna("none").value_counts()
    sys.stdout.write("code,count\n")
    for code, count in sorted(counts.items()):
        sys.stdout.write(f"{code},{count}\n")


if __name__ == "__main__":
    main()
