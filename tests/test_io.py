import json
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import pytest
import shapely
import shapely.affinity
from shapely.geometry import Polygon, box

from geokobling.errors import (
    CodeError,
    ColumnError,
    CRSError,
    FileReadError,
    GeokoblingWarning,
    GeometryError,
    InputError,
)
from geokobling.io import (
    COLUMN_ALIASES,
    read_bydeler,
    read_grunnkretser,
    read_kommuner,
    read_population_grid,
    read_table,
    read_units,
    read_values,
    write_table,
)

UTM = "EPSG:25833"


OSLO = (262_000.0, 6_649_000.0)  # small test shapes are drawn from here, so that they lie in Norway


def _layer(columns, geometries, crs=UTM):
    """A layer of small shapes given around (0, 0) and, in metres, moved to Oslo."""
    moved = [shapely.affinity.translate(g, *OSLO) for g in geometries] if crs in (UTM, None) else geometries
    return gpd.GeoDataFrame(columns, geometry=moved, crs=crs)


def _write_gpkg(frame, path, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pyogrio warns about a missing CRS on purpose here
        pyogrio.write_dataframe(frame, path, driver="GPKG", **kwargs)
    return path


def _utm_area(geometry_lonlat):
    to_utm = pyproj.Transformer.from_crs("EPSG:4326", UTM, always_xy=True)
    return shapely.transform(geometry_lonlat, lambda xy: np.column_stack(to_utm.transform(*xy.T))).area


# --- real files ---------------------------------------------------------------------------------------


@pytest.mark.realdata
def test_baerum_asker_grunnkretser(shared_data):
    gk = read_grunnkretser(shared_data / "grunnkretser_0219_0220_baerum_asker_2018.geojson")
    assert len(gk) == 535
    assert gk.crs.to_epsg() == 25833
    assert gk["grunnkrets"].str.fullmatch(r"\d{8}").all()
    assert gk["grunnkrets"].is_unique
    assert set(gk["kommune"]) == {"0219", "0220"}
    # the file's own kommunenummer column must agree with the grunnkrets codes
    assert (gk["kommune"] == gk["grunnkrets"].str[:4]).all()
    assert (gk["delomrade"] == gk["grunnkrets"].str[:6]).all()
    assert gk.attrs["repaired"] == 0
    assert list(gk.columns[:4]) == ["grunnkrets", "name", "delomrade", "kommune"]


@pytest.mark.realdata
def test_bydeler_of_four_cities(shared_data):
    bydeler = read_bydeler(shared_data / "bydeler_2020_oslo_bergen_trondheim_stavanger.gml")
    assert len(bydeler) == 38
    assert bydeler.crs.to_epsg() == 25833
    assert bydeler["bydel"].str.fullmatch(r"\d{6}").all()
    # Oslo, Bergen, Trondheim, Stavanger (2020 codes)
    assert set(bydeler["kommune"]) == {"0301", "4601", "5001", "1103"}
    frogner = bydeler.loc[bydeler["name"] == "Frogner"]
    assert frogner["bydel"].tolist() == ["030105"]
    # axis order: Frogner's interior point, taken back to lon/lat, lies in Oslo
    point = gpd.GeoSeries(frogner.representative_point(), crs=UTM).to_crs("EPSG:4326").iloc[0]
    assert 10.6 < point.x < 10.8 and 59.88 < point.y < 59.96


@pytest.mark.realdata
def test_kommuner_2024(shared_data):
    path = shared_data / "kommuner_2024_M.geojson"
    with pytest.warns(GeokoblingWarning, match="repaired"):
        kommuner = read_kommuner(path)
    assert len(kommuner) == 357
    assert kommuner["kommune"].is_unique
    assert kommuner["kommune"].str.fullmatch(r"\d{4}").all()
    assert kommuner.is_valid.all()
    # the count reported equals an independent count of invalid polygons in the working CRS
    raw = gpd.read_file(path).to_crs(UTM)
    assert kommuner.attrs["repaired"] == int((~raw.is_valid).sum()) > 0
    # repair must not change the land area noticeably; mainland Norway is about 324 000 km²
    assert kommuner.area.sum() == pytest.approx(raw.buffer(0).area.sum(), rel=1e-3)
    assert 300e9 < kommuner.area.sum() < 340e9
    assert kommuner.loc[kommuner["kommune"] == "0301", "name"].tolist() == ["Oslo"]
    assert "name_original" in kommuner.columns


@pytest.mark.realdata
@pytest.mark.parametrize("filename", ["grunnkretser_oslo.geojson", "grunnkretser_oslo_uten_hav.geojson"])
def test_oslo_grunnkretser(shared_data, filename):
    gk = read_units(shared_data / filename)
    assert gk.attrs["kind"] == "grunnkrets"
    assert len(gk) == 591
    assert gk.crs.to_epsg() == 25833
    assert set(gk["kommune"]) == {"0301"}
    assert set(gk["delomrade"]) == {f"0301{i:02d}" for i in range(1, 61)}
    assert (gk["delomrade"] == gk["grunnkrets"].str[:6]).all()
    assert "delomrade_name" in gk.columns


@pytest.mark.realdata
def test_oslo_without_sea_is_smaller(shared_data):
    with_sea = read_units(shared_data / "grunnkretser_oslo.geojson")
    land = read_units(shared_data / "grunnkretser_oslo_uten_hav.geojson")
    assert land.area.sum() / 1e6 == pytest.approx(454, abs=5)
    assert land.area.sum() < with_sea.area.sum()


@pytest.mark.realdata
@pytest.mark.parametrize("suffix", ["", "_uten_hav"])
def test_oslo_delomrader_match_their_grunnkretser(shared_data, suffix):
    delomrader = read_units(shared_data / f"delomrader_oslo{suffix}.geojson")
    assert delomrader.attrs["kind"] == "delomrade"
    assert len(delomrader) == 60
    assert sorted(delomrader["delomrade"]) == [f"0301{i:02d}" for i in range(1, 61)]
    gk = read_units(shared_data / f"grunnkretser_oslo{suffix}.geojson")
    gk_area = gk.assign(area=gk.area).groupby("delomrade")["area"].sum()
    own_area = delomrader.set_index("delomrade").area
    np.testing.assert_allclose(gk_area.sort_index(), own_area.sort_index(), rtol=0.01)


@pytest.mark.realdata
def test_population_grid(shared_data):
    grid = read_population_grid(shared_data / "befolkning_oslo_1km_2019.gml")
    assert len(grid) == 258
    assert grid["population"].sum() == 678_692
    assert grid.crs.to_epsg() == 25833
    assert grid["cell"].is_unique
    assert grid["cell"].str.fullmatch(r"\d{14}").all()
    np.testing.assert_allclose(grid.area, 1e6)
    # SSB's cell id is the lower-left corner: "2" + x (6 digits) ... y (7 digits), offset by 2 000 000 in x
    corner = grid.geometry.bounds
    expected = (corner["minx"] + 2_000_000).astype(int).astype(str) + corner["miny"].astype(int).astype(str)
    assert (grid["cell"] == expected).all()


@pytest.mark.realdata
def test_strukturkriteriet_2015_table(shared_data):
    table = read_table(shared_data / "strukturkriteriet_2015.csv")
    assert len(table) == 428
    assert table["innbyggere_2015"].sum() == 5_165_802
    assert table["kommunenr"].str.fullmatch(r"\d{4}").all()
    assert table.loc[table["kommune"] == "Halden", "kommunenr"].tolist() == ["0101"]


@pytest.mark.realdata
def test_population_csv_and_json(shared_data):
    with pytest.warns(GeokoblingWarning, match="read as missing"):
        counts = read_table(shared_data / "innvandrere_grunnkrets_0219_0220.json", key_column="grunnkrets")
    estimate = read_table(shared_data / "folkemengde_estimert_grunnkrets_0219_0220.csv")
    assert len(counts) == len(estimate) == 518
    assert counts["grunnkrets"].str.fullmatch(r"\d{8}").all()
    assert estimate["grunnkretsnummer"].str.fullmatch(r"\d{8}").all()
    assert estimate["folkemengde_estimert"].notna().sum() == 488
    joined = estimate.merge(counts, left_on="grunnkretsnummer", right_on="grunnkrets", suffixes=("", "_json"))
    assert len(joined) == 518
    # suppressed cells ("-" in the JSON) are missing, the rest equal the CSV's numbers
    pd.testing.assert_series_equal(joined["western-count"], joined["western-count_json"], check_names=False)
    assert pd.api.types.is_float_dtype(counts["immigrant-share"])


# --- formats, codes and names -------------------------------------------------------------------------


def test_integer_codes_in_geopackage_are_padded(tmp_path):
    layer = _layer(
        {"grunnkretsnummer": [3010101, 3010102], "kommunenummer": [301, 301]},
        [box(0, 0, 1, 1), box(1, 0, 2, 1)],
    )
    path = _write_gpkg(layer, tmp_path / "gk.gpkg")
    assert pyogrio.read_info(path)["dtypes"][0].startswith("int")
    gk = read_units(path)
    assert gk["grunnkrets"].tolist() == ["03010101", "03010102"]
    assert gk["kommune"].tolist() == ["0301", "0301"]
    assert gk["delomrade"].tolist() == ["030101", "030101"]


def test_kind_detected_from_columns_and_names_normalised(tmp_path):
    layer = _layer({"Bydelnr": ["030101"], "bydelnavn": ["Gamle Oslo"], "navn": ["x"]}, [box(0, 0, 1, 1)])
    bydeler = read_units(_write_gpkg(layer, tmp_path / "b.gpkg"))
    assert bydeler.attrs["kind"] == "bydel"
    assert bydeler[["bydel", "name", "kommune"]].values.tolist() == [["030101", "Gamle Oslo", "0301"]]
    assert "navn" in bydeler.columns  # generic name column kept under its own name


def test_delbydel_gets_bydel_and_kommune(tmp_path):
    layer = _layer({"delbydelnummer": ["03010201"], "delbydelnavn": ["Grønland"]}, [box(0, 0, 1, 1)])
    units = read_units(_write_gpkg(layer, tmp_path / "d.gpkg"))
    assert units.attrs["kind"] == "delbydel"
    assert units[["delbydel", "bydel", "kommune", "name"]].values.tolist() == [
        ["03010201", "030102", "0301", "Grønland"]
    ]


def test_topojson_needs_source_crs(tmp_path):
    square = [[10.70, 59.90], [10.72, 59.90], [10.72, 59.91], [10.70, 59.91], [10.70, 59.90]]
    topology = {
        "type": "Topology",
        "objects": {
            "grunnkretser": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0]], "properties": {"grunnkretsnummer": "03010101"}},
                ],
            }
        },
        "arcs": [square],
    }
    path = tmp_path / "gk.topojson"
    path.write_text(json.dumps(topology))
    assert pyogrio.read_info(path)["driver"] == "TopoJSON"
    with pytest.raises(CRSError, match=r"gk\.topojson.*source_crs="):
        read_units(path)
    gk = read_units(path, source_crs="EPSG:4326")
    assert gk["grunnkrets"].tolist() == ["03010101"]
    assert gk.area.iloc[0] == pytest.approx(_utm_area(Polygon(square)), rel=1e-6)


@pytest.mark.parametrize("suffix", [".shp", ".geojson", ".gml", ".fgb"])
def test_other_vector_formats(tmp_path, suffix):
    layer = _layer({"kommunenr": ["0301", "5001"]}, [box(0, 0, 10, 10), box(10, 0, 30, 10)])
    path = tmp_path / f"kommuner{suffix}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pyogrio.write_dataframe(layer, path)
    kommuner = read_kommuner(path).sort_values("kommune")  # FlatGeobuf orders features spatially
    assert kommuner["kommune"].tolist() == ["0301", "5001"]
    assert kommuner.area.tolist() == pytest.approx([100, 200])


def test_geoparquet_in_other_crs_is_transformed(tmp_path):
    lonlat = box(10.7, 59.9, 10.8, 59.95)
    path = tmp_path / "k.parquet"
    _layer({"kommune": ["0301"]}, [lonlat], crs="EPSG:4326").to_parquet(path)
    kommuner = read_kommuner(path)
    assert kommuner.crs.to_epsg() == 25833
    assert kommuner.area.iloc[0] == pytest.approx(_utm_area(lonlat), rel=1e-9)


def test_kommune_that_disagrees_with_grunnkrets_is_reported(tmp_path):
    layer = _layer(
        {"grunnkrets": ["03010101", "03010102"], "kommune": ["0301", "3024"]},
        [box(0, 0, 1, 1), box(1, 0, 2, 1)],
    )
    with pytest.warns(GeokoblingWarning, match=r"3024 vs 03010102.*row\(s\) 1"):
        gk = read_units(_write_gpkg(layer, tmp_path / "gk.gpkg"))
    assert gk["kommune"].tolist() == ["0301", "3024"]  # kept as given


def test_duplicate_codes_warned_and_kept(tmp_path):
    layer = _layer(
        {"grunnkrets": ["03010101", "03010101", "03010102"]},
        [box(0, 0, 1, 1), box(5, 5, 6, 6), box(1, 0, 2, 1)],
    )
    with pytest.warns(GeokoblingWarning, match="more than once.*2 rows, all kept.*'03010101'"):
        gk = read_units(_write_gpkg(layer, tmp_path / "gk.gpkg"))
    assert len(gk) == 3


def test_self_intersecting_polygon_is_repaired_and_counted(tmp_path):
    bowtie = Polygon([(0, 0), (20, 20), (20, 0), (0, 20)])
    assert not bowtie.is_valid
    layer = _layer({"grunnkrets": ["03010101", "03010102"]}, [bowtie, box(30, 0, 40, 10)])
    with pytest.warns(GeokoblingWarning, match=r"repaired 1 invalid polygon.*'03010101'"):
        gk = read_units(_write_gpkg(layer, tmp_path / "gk.gpkg"))
    assert gk.attrs["repaired"] == 1
    assert gk.is_valid.all()
    assert gk.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    # two triangles of 10 × 20 / 2 each
    assert gk.area.tolist() == pytest.approx([200, 100])


def test_collapsed_polygon_is_refused(tmp_path):
    flat = Polygon([(0, 0), (10, 0), (20, 0)])
    layer = _layer({"grunnkrets": ["03010101", "03010102"]}, [box(0, 0, 1, 1), flat])
    with pytest.raises(GeometryError, match=r"beyond repair.*'03010102'.*row\(s\) 1"):
        read_units(_write_gpkg(layer, tmp_path / "gk.gpkg"))


def test_layer_choice(tmp_path):
    path = tmp_path / "many.gpkg"
    _write_gpkg(_layer({"kommune": ["0301"]}, [box(0, 0, 1, 1)]), path, layer="a")
    _write_gpkg(_layer({"kommune": ["5001"]}, [box(0, 0, 1, 1)]), path, layer="b")
    with pytest.raises(FileReadError, match=r"many\.gpkg has 2 layers.*layer="):
        read_units(path)
    assert read_units(path, layer="b")["kommune"].tolist() == ["5001"]
    with pytest.raises(FileReadError, match="no layer 'c'"):
        read_units(path, layer="c")


def test_only_polygon_layer_is_chosen(tmp_path):
    path = tmp_path / "mixed.gpkg"
    _write_gpkg(gpd.GeoDataFrame({"id": [1]}, geometry=[shapely.Point(*OSLO)], crs=UTM), path, layer="points")
    _write_gpkg(_layer({"kommune": ["0301"]}, [box(0, 0, 1, 1)]), path, layer="polygons")
    assert read_units(path)["kommune"].tolist() == ["0301"]


# --- bad input ----------------------------------------------------------------------------------------


def test_missing_crs_refused_with_how_to_fix(tmp_path):
    path = _write_gpkg(_layer({"kommune": ["0301"]}, [box(0, 0, 1, 1)], crs=None), tmp_path / "nocrs.gpkg")
    with pytest.raises(CRSError, match=r"nocrs\.gpkg has no coordinate reference system.*source_crs="):
        read_units(path)
    assert read_units(path, source_crs=UTM).crs.to_epsg() == 25833


def test_geojson_in_metres_without_crs_member_refused(tmp_path):
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"kommunenummer": "0301"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[262000, 6649000], [263000, 6649000], [263000, 6650000], [262000, 6649000]]
                    ],
                },
            }
        ],
    }
    path = tmp_path / "utm.geojson"
    path.write_text(json.dumps(collection))
    with pytest.raises(CRSError, match=r"utm\.geojson.*not longitude/latitude.*source_crs='EPSG:25833'"):
        read_units(path)
    assert read_units(path, source_crs=UTM).area.iloc[0] == pytest.approx(500_000)


def test_bad_source_crs(tmp_path):
    path = _write_gpkg(_layer({"kommune": ["0301"]}, [box(0, 0, 1, 1)]), tmp_path / "k.gpkg")
    with pytest.raises(CRSError, match="not a CRS"):
        read_units(path, source_crs="EPSG:nonsense")


@pytest.mark.parametrize("reader", [read_units, read_population_grid, read_table])
def test_file_that_does_not_exist(tmp_path, reader):
    path = tmp_path / "nowhere.csv"
    with pytest.raises(FileReadError, match=r"nowhere\.csv does not exist"):
        reader(path)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("broken.gpkg", b"not a geopackage" * 50, "not recognized"),
        ("broken.geojson", b'{"type": "FeatureCollection", "features": [{', "GeoJSON"),
    ],
)
def test_corrupt_vector_file(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FileReadError, match=rf"cannot read .*{name}.*{reason}"):
        read_units(path)


def test_corrupt_parquet(tmp_path):
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 and nothing else")
    with pytest.raises(FileReadError, match=r"broken\.parquet"):
        read_units(path)


def test_corrupt_tables(tmp_path):
    broken_json = tmp_path / "broken.json"
    broken_json.write_text('{"0301": {"a": 1}')
    with pytest.raises(FileReadError, match=r"broken\.json.*Expecting"):
        read_table(broken_json)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("kommune,a\n0301,1\n0302,2,3,4\n")
    with pytest.raises(FileReadError, match=r"ragged\.csv.*Expected 2 fields"):
        read_table(ragged)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(FileReadError, match=r"empty\.csv is empty"):
        read_table(empty)
    with pytest.raises(FileReadError, match="save spreadsheets as CSV"):
        read_table(tmp_path / "book.xlsx")


def test_geojson_given_to_read_table(tmp_path):
    path = tmp_path / "units.json"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    with pytest.raises(FileReadError, match="read_units"):
        read_table(path)


@pytest.mark.parametrize("reader", [read_grunnkretser, read_bydeler, read_kommuner])
def test_missing_code_column(tmp_path, reader):
    path = _write_gpkg(_layer({"navn": ["x"], "areal": [1.0]}, [box(0, 0, 1, 1)]), tmp_path / "units.gpkg")
    with pytest.raises(ColumnError, match=r"units\.gpkg has no \w+ code column.*\['navn', 'areal'"):
        reader(path)


def test_no_code_column_at_all(tmp_path):
    path = _write_gpkg(_layer({"navn": ["x"]}, [box(0, 0, 1, 1)]), tmp_path / "units.gpkg")
    with pytest.raises(ColumnError, match=r"units\.gpkg has no unit code column.*\['navn'\]"):
        read_units(path)


def test_malformed_codes_name_the_file_column(tmp_path):
    layer = _layer(
        {"grunnkretsnummer": ["03010101", "301", None]}, [box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)]
    )
    with pytest.raises(CodeError, match=r"column 'grunnkretsnummer' of .*gk\.gpkg.*'301'.*row\(s\) 1, 2"):
        read_units(_write_gpkg(layer, tmp_path / "gk.gpkg"))


def test_empty_layer_warned(tmp_path):
    path = _write_gpkg(_layer({"kommune": ["0301"]}, [box(0, 0, 1, 1)]).iloc[:0], tmp_path / "empty.gpkg")
    with pytest.warns(GeokoblingWarning, match=r"empty\.gpkg holds no kommune units"):
        assert read_units(path).empty


def test_wrong_geometry_type(tmp_path):
    layer = gpd.GeoDataFrame({"kommune": ["0301"]}, geometry=[shapely.Point(*OSLO)], crs=UTM)
    with pytest.raises(GeometryError, match="Polygon or MultiPolygon"):
        read_units(_write_gpkg(layer, tmp_path / "points.gpkg"))


def test_unknown_kind():
    with pytest.raises(InputError, match="unknown kind"):
        read_units("whatever.gpkg", kind="fylke")


def test_population_grid_bad_values(tmp_path):
    cells = [box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)]
    negative = _layer({"ssbid1000M": [20000000000000, 20010000000000], "popTot": [5, -1]}, cells)
    with pytest.raises(InputError, match=r"negative population in cell\(s\) '20010000000000'"):
        read_population_grid(_write_gpkg(negative, tmp_path / "neg.gpkg"))
    no_cell = _layer({"popTot": [5, 1]}, cells)
    with pytest.raises(ColumnError, match=r"no cell id column.*\['popTot'"):
        read_population_grid(_write_gpkg(no_cell, tmp_path / "nocell.gpkg"))
    gaps = _layer({"ssbid1000M": [20000000000000, 20010000000000], "popTot": [5.0, None]}, cells)
    with pytest.warns(GeokoblingWarning, match="1 cell.*no population count"):
        grid = read_population_grid(_write_gpkg(gaps, tmp_path / "gaps.gpkg"))
    assert len(grid) == 2 and grid["population"].isna().sum() == 1


# --- tables -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sep", [";", "\t", "|", ","])
def test_csv_separator_is_sniffed(tmp_path, sep):
    path = tmp_path / "t.csv"
    path.write_text(
        sep.join(["kommunenr", "navn", "innbyggere"])
        + "\n"
        + sep.join(["0301", "Oslo", "709037"])
        + "\n"
        + sep.join(["0101", "Halden", "31444"])
        + "\n"
    )
    table = read_table(path)
    assert list(table.columns) == ["kommunenr", "navn", "innbyggere"]
    assert table["kommunenr"].tolist() == ["0301", "0101"]
    assert table["innbyggere"].sum() == 709037 + 31444


def test_quoted_commas_do_not_fool_the_sniffer(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('"navn, fullt";orgnr\n"Skole, Oslo";012345678\n')
    assert read_table(path).values.tolist() == [["Skole, Oslo", "012345678"]]


def test_latin1_csv_with_aeoeaa(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("kommunenummer;kommunenavn\n0219;Bærum\n3803;Tønsberg\n4601;Åsane\n".encode("latin-1"))
    with pytest.warns(GeokoblingWarning, match=r"latin1\.csv is not UTF-8; read it as cp1252"):
        table = read_table(path)
    assert table["kommunenavn"].tolist() == ["Bærum", "Tønsberg", "Åsane"]
    assert table["kommunenummer"].tolist() == ["0219", "3803", "4601"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_table(path, encoding="latin-1")["kommunenavn"].iloc[0] == "Bærum"


def test_utf8_with_bom(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("kommune,navn\n0301,Oslo\n".encode("utf-8-sig"))
    assert list(read_table(path).columns) == ["kommune", "navn"]


def test_code_columns_read_as_text_with_missing_values(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("grunnkretsnummer,orgnr,postnummer,antall\n02190101,,0150,3\n,974760673,1337,\n")
    table = read_table(path)
    assert table["grunnkretsnummer"].tolist()[0] == "02190101"
    assert table["grunnkretsnummer"].isna().tolist() == [False, True]
    assert table["postnummer"].tolist() == ["0150", "1337"]
    assert table["orgnr"].isna().tolist() == [True, False]
    assert pd.api.types.is_float_dtype(table["antall"])
    extra = read_table(path, dtype_str=["antall"])
    assert extra["antall"].tolist()[0] == "3"
    assert pd.api.types.is_integer_dtype(extra["postnummer"])  # only the pattern given counts


@pytest.mark.parametrize(
    "data",
    [
        [{"kommunenr": 301, "n": 1}, {"kommunenr": 5001, "n": 2}],
        {"kommunenr": [301, 5001], "n": [1, 2]},
    ],
)
def test_json_layouts(tmp_path, data):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(data))
    table = read_table(path)
    assert table["kommunenr"].tolist() == ["301", "5001"]  # text; padding is normalize_codes' job
    assert table["n"].tolist() == [1, 2]


def test_missing_markers(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("grunnkrets;andel;navn\n03010101;12.5;a\n03010102;:;-\n03010103;-;c\n")
    with pytest.warns(GeokoblingWarning, match=r"2 cell\(s\).*'andel': 2"):
        table = read_table(path, missing_markers=(":", "-"))
    assert table["andel"].isna().tolist() == [False, True, True]
    assert table["andel"].iloc[0] == 12.5
    assert table["navn"].tolist() == ["a", "-", "c"]  # text columns are left alone


# --- writing ------------------------------------------------------------------------------------------


@pytest.fixture
def units():
    return _layer(
        {"grunnkrets": ["03010101", "02190101"], "name": ["Sentrum", "Bærum"], "population": [10, 0]},
        [box(262000, 6649000, 262500, 6649500), Polygon([(0, 0), (3, 0), (0, 4)])],
    )


@pytest.mark.parametrize("suffix", [".parquet", ".gpkg", ".geojson"])
def test_round_trip_through_vector_writers(tmp_path, units, suffix):
    path = write_table(units, tmp_path / "new" / "folder" / f"gk{suffix}")
    assert path.exists()
    back = read_grunnkretser(path)
    assert back["grunnkrets"].tolist() == ["03010101", "02190101"]
    assert back["name"].tolist() == ["Sentrum", "Bærum"]
    assert back["population"].tolist() == [10, 0]
    assert shapely.equals_exact(back.geometry.values, units.geometry.values, tolerance=1e-6).all()


def test_round_trip_through_csv(tmp_path, units):
    path = write_table(units, tmp_path / "gk.csv")
    back = read_table(path)
    assert back["grunnkrets"].tolist() == ["03010101", "02190101"]
    assert back["name"].tolist() == ["Sentrum", "Bærum"]
    geometries = shapely.from_wkt(back["geometry"].to_numpy())
    assert shapely.equals_exact(geometries, units.geometry.values, tolerance=1e-6).all()


@pytest.mark.parametrize("suffix", [".parquet", ".gpkg", ".csv"])
def test_round_trip_of_plain_tables(tmp_path, suffix):
    table = pd.DataFrame({"kommune": ["0301", "0101"], "verdi": [1.5, np.nan]})
    path = write_table(table, tmp_path / f"t{suffix}")
    if suffix == ".parquet":
        back = pd.read_parquet(path)
    elif suffix == ".gpkg":
        back = pyogrio.read_dataframe(path)
    else:
        back = read_table(path)
    assert back["kommune"].tolist() == ["0301", "0101"]
    assert back["verdi"].iloc[0] == 1.5 and np.isnan(back["verdi"].iloc[1])


def test_gpkg_layers_accumulate(tmp_path, units):
    path = tmp_path / "out.gpkg"
    write_table(units, path, layer="grunnkretser")
    write_table(units.iloc[:1], path, layer="sentrum")
    write_table(units.iloc[:1], path, layer="grunnkretser")  # replaces the layer of that name
    names = pyogrio.list_layers(path)[:, 0]
    layers = {name: pyogrio.read_info(path, layer=name)["features"] for name in names}
    assert layers == {"grunnkretser": 1, "sentrum": 1}


def test_write_refusals(tmp_path, units):
    with pytest.raises(InputError, match=r"gk\.shp.*\.parquet, \.gpkg, \.geojson, \.csv"):
        write_table(units, tmp_path / "gk.shp")
    with pytest.raises(InputError, match="GeoJSON needs a GeoDataFrame"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "t.geojson")


# --- published values tables and the one table of column aliases --------------------------------------


def test_read_values_understands_a_published_table(tmp_path):
    path = tmp_path / "strukturkriteriet.csv"
    path.write_text(
        "kommunenr,kommune,innbyggere_2015,strukturkriteriet_km\n301,Oslo,647676,1.0\n0219,Bærum,120685,1.4\n",
        encoding="utf-8",
    )
    values = read_values(path)
    assert list(values.columns) == ["kommune", "name", "population", "strukturkriteriet_km"]
    assert values["kommune"].tolist() == ["0301", "0219"]  # padded back: a spreadsheet made it a number
    assert values["name"].tolist() == ["Oslo", "Bærum"]
    assert values["population"].tolist() == [647676, 120685]


def test_read_values_of_grunnkretser_with_a_semicolon_and_folkemengde(tmp_path):
    path = tmp_path / "folkemengde.csv"
    path.write_text("Grunnkretsnummer;Folkemengde 1.1.2024;distance_km\n2190101;260;1.5\n", encoding="utf-8")
    values = read_values(path)
    assert values.to_dict("records") == [{"grunnkrets": "02190101", "population": 260, "distance_km": 1.5}]


def test_read_values_refuses_malformed_codes(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("knr,population,value\n30,1,2.0\n", encoding="utf-8")
    with pytest.raises(CodeError, match=r"column 'knr' of .*bad.csv: 30 at row\(s\) 0"):
        read_values(path)


@pytest.mark.parametrize("name", ["kommunenr", "Kommunenummer", "KNR", "komnr", "kommunekode"])
def test_every_reader_and_table_function_recognises_the_kommune_aliases(tmp_path, name):
    import geokobling as gk

    assert name.lower() in COLUMN_ALIASES["kommune"]
    path = tmp_path / "k.csv"
    pd.DataFrame({name: ["0301", "0219"], "innbyggere": [10, 30], "v": [1.0, 2.0]}).to_csv(path, index=False)
    values = read_values(path)
    assert values["kommune"].tolist() == ["0301", "0219"]
    table = pd.read_csv(path, dtype={name: str})
    merged = gk.reaggregate(table, {"0301": "9999", "0219": "9999"}, value="v", population="innbyggere")
    assert merged["v"].item() == pytest.approx(1.75)
    graded = gk.gradert_basiskriterium(table, value="v", population="innbyggere", grenseverdi=2.0)
    assert graded["basiskriterium"].tolist() == [1.0, 0.5]  # sorted by kommune: 0219, 0301
    layer = _layer({name: ["0301"]}, [box(0, 0, 10, 10)])
    assert read_units(write_table(layer, tmp_path / "k.gpkg")).attrs["kind"] == "kommune"


def test_population_grid_columns_follow_the_alias_table(tmp_path):
    grid = gpd.GeoDataFrame(
        {"ssbid250m": [1], "innbyggere_2015": [12]},
        geometry=[box(*OSLO, OSLO[0] + 250, OSLO[1] + 250)],
        crs=UTM,
    )
    cells = read_population_grid(write_table(grid, tmp_path / "grid.gpkg"))
    assert cells["population"].tolist() == [12]


# --- the formats planners receive from SSB ----------------------------------------------------------------

CELL = 22620006649000  # the SSB id of the 1 km cell whose lower-left corner is (262000, 6649000)


@pytest.mark.parametrize(
    ("text", "size"),
    [
        (f"ru250m;pop_tot\n{CELL};12\n{CELL + 250};3\n", 250.0),
        (f"ssbid_1000m;pop_tot;pop_mal;pop_fem;pop_ave\n{CELL};12;6;6;38,5\n", 1000.0),
        (f"ssbid100m,pop_tot\n{CELL},12\n{CELL + 100},4\n", 100.0),
        (f"ssbid1000M popTot\n{CELL} 12\n", 1000.0),
        (f"rute\tpopulation\n{CELL}\t12\n{CELL + 1000 * 10**7}\t7\n", 1000.0),  # size from the ids' grid
    ],
    ids=["250m-semicolon", "1km-decimal-comma", "100m-comma", "1km-whitespace", "unnamed-size-tab"],
)
def test_ssb_grid_csv_read_from_the_cell_id_alone(tmp_path, text, size):
    path = tmp_path / "grid.csv"
    path.write_text(text)
    cells = read_population_grid(path)
    assert cells.crs.to_epsg() == 25833 and cells.attrs["cell_size"] == size
    assert cells["cell"].iloc[0] == str(CELL) and cells["population"].iloc[0] == 12
    assert cells.geometry.iloc[0].bounds == (262000.0, 6649000.0, 262000.0 + size, 6649000.0 + size)
    if "pop_ave" in cells.columns:
        assert cells["pop_ave"].tolist() == [38.5] and cells["pop_ave"].dtype == float


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("name", "size", "rows"),
    [("befolkning_1km_norge_2015.csv", 1000, 55213), ("befolkning_250m_norge_2015.csv", 250, 220171)],
)
def test_real_national_grid_csvs(shared_data, name, size, rows):
    cells = read_population_grid(shared_data / name)
    assert len(cells) == rows and cells.attrs["cell_size"] == size
    assert cells["population"].sum() == 5_146_614
    assert cells.geometry.area.to_numpy() == pytest.approx(size * size)
    # the grid CSV and the GML of Oslo 2019 describe the same cells by the same ids
    oslo = read_population_grid(shared_data / "befolkning_oslo_1km_2019.gml")
    if size == 1000:
        shared = cells.merge(oslo[["cell", "geometry"]], on="cell", suffixes=("", "_gml"))
        assert len(shared) > 200
        assert shared.geometry.geom_equals(gpd.GeoSeries(shared["geometry_gml"], crs=UTM)).all()


JSON_STAT = {
    "version": "2.0",
    "class": "dataset",
    "label": "04317: Personer, etter grunnkrets, statistikkvariabel og år",
    "id": ["Grunnkretser", "ContentsCode", "Tid"],
    "size": [2, 1, 2],
    "role": {"time": ["Tid"], "metric": ["ContentsCode"]},
    "dimension": {
        "Grunnkretser": {
            "label": "grunnkrets",
            "category": {
                "index": {"03010101": 0, "03010102": 1},
                "label": {"03010101": "Sentrum 1", "03010102": "Sentrum 2"},
            },
        },
        "ContentsCode": {
            "label": "statistikkvariabel",
            "category": {"index": {"Personer": 0}, "label": {"Personer": "Personer"}},
        },
        "Tid": {
            "label": "år",
            "category": {"index": {"2023": 0, "2024": 1}, "label": {"2023": "2023", "2024": "2024"}},
        },
    },
    "value": [1000, 1100, 250, None],
    "status": {"3": ".."},
}


def test_json_stat_from_statistikkbanken(tmp_path):
    path = tmp_path / "04317.json"
    path.write_text(json.dumps(JSON_STAT), encoding="utf-8")
    table = read_table(path)
    assert list(table.columns) == ["Grunnkretser", "Grunnkretser_label", "Tid", "Personer"]
    assert table["Personer"].tolist()[:3] == [1000, 1100, 250] and pd.isna(table["Personer"].iloc[3])
    values = read_values(path, year=2024)
    assert values[["grunnkrets", "name", "population"]].astype(object).where(
        values.notna(), None
    ).values.tolist() == [
        ["03010101", "Sentrum 1", 1100],
        ["03010102", "Sentrum 2", None],
    ]


def test_pxweb_csv_with_title_code_and_name_in_one_column_and_a_year_per_column(tmp_path):
    path = tmp_path / "04317.csv"
    path.write_text(
        '"04317: Personer, etter grunnkrets, statistikkvariabel og år"\n\n'
        '"grunnkrets";"Personer 2023";"Personer 2024"\n'
        '"03010101 Sentrum 1";1000;1100\n"03010102 Sentrum 2";250;..\n',
        encoding="utf-8",
    )
    with pytest.warns(GeokoblingWarning, match="marked"):
        values = read_values(path, year=2024)
    assert (
        values["grunnkrets"].tolist() == ["03010101", "03010102"]
        and values["name"].tolist()[0] == "Sentrum 1"
    )
    assert values["population"].iloc[0] == 1100 and pd.isna(values["population"].iloc[1])
    kommuner = tmp_path / "kommuner.csv"
    kommuner.write_text('"region";"år";"Personer"\n"0301 Oslo";"2024";717710\n"K-3201 Bærum";"2024";130772\n')
    values = read_values(kommuner)
    assert values[["kommune", "name", "population"]].values.tolist() == [
        ["0301", "Oslo", 717710],
        ["3201", "Bærum", 130772],
    ]


def test_a_long_table_is_never_summed(tmp_path):
    path = tmp_path / "folkemengde.csv"
    path.write_text("grunnkrets;år;folkemengde\n03010101;2023;1000\n03010101;2024;1100\n03010102;2024;40\n")
    with pytest.raises(
        InputError,
        match=(
            r"1 grunnkrets code\(s\) more than once \('03010101'; 2 rows\): a long table, the rows differ "
            r"in 'år' \('2023', '2024'\)\. .*year="
        ),
    ):
        read_values(path)
    assert read_values(path, year=2024)["population"].tolist() == [1100, 40]
    with pytest.raises(ColumnError, match=r"no rows of year 2022; its years are '2023', '2024'"):
        read_values(path, year=2022)


def test_decimal_commas_in_semicolon_tables_and_not_in_comma_tables(tmp_path):
    path = tmp_path / "verdier.csv"
    path.write_text("kommune;population;strukturkriteriet_km\n0219;100;1,5\n0220;50;2\n")
    assert read_values(path)["strukturkriteriet_km"].tolist() == [1.5, 2.0]
    path.write_text('kommune,population,strukturkriteriet_km\n0219,100,"1,5"\n')
    assert read_values(path)["strukturkriteriet_km"].tolist() == ["1,5"]  # text; reaggregate refuses it
    path.write_text("kommune;population;strukturkriteriet_km\n0219;100;1,5\n")
    assert read_table(path, decimal=".")["strukturkriteriet_km"].tolist() == ["1,5"]


def test_reading_gml_writes_no_gfs_file_next_to_the_data(tmp_path):
    units = _layer({"grunnkretsnummer": ["03010101"]}, [box(0, 0, 100, 100)])
    path = tmp_path / "grunnkretser.gml"
    pyogrio.write_dataframe(units, path, driver="GML")
    before = sorted(p.name for p in tmp_path.iterdir())
    assert read_grunnkretser(path)["grunnkrets"].tolist() == ["03010101"]
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert not path.with_suffix(".gfs").exists()
