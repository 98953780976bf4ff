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


def main() -> None:
    communes_path, points_path = sys.argv[1], sys.argv[2]
    communes = gpd.read_file(communes_path)[["code", "geometry"]]
    table = pd.read_csv(points_path)
    points = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(table["lon"], table["lat"]), crs=communes.crs
    )
    joined = gpd.sjoin(points, communes, how="left", predicate="within")
    # A point on a border shared by two communes is joined to both: keep one.
    joined = joined[~joined.index.duplicated(keep="first")]
    counts = joined["code"].fillna("none").value_counts()
    sys.stdout.write("code,count\n")
    for code, count in sorted(counts.items()):
        sys.stdout.write(f"{code},{count}\n")


if __name__ == "__main__":
    main()
