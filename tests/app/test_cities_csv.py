from app.cities_csv import parse_cities_csv

NETWORKS = {"spain", "portugal", "global"}


def test_three_bad_rows_out_of_ten_are_reported_and_seven_kept() -> None:
    text = (
        "name,country,region,networks,languages\n"
        "Barcelona,ES,Catalonia,spain,ca;es\n"
        "Lisboa,PT,,portugal,pt\n"
        ",PT,,portugal,pt\n"
        "Torres Vedras,PT,Oeste,portugal;global,pt\n"
        "Rosario,ZZ,,,es\n"
        "Changwon,KR,,,ko\n"
        "Lyon,FR,,atlantis,fr\n"
        "Granollers,ES,,spain,ca\n"
        "Sevilla,es,,spain,es\n"
        "Porto,PT,,portugal,pt\n"
    )
    parsed = parse_cities_csv(text, NETWORKS)
    assert len(parsed.rows) == 7
    assert [(e.line, e.column) for e in parsed.errors] == [
        (4, "name"),
        (6, "country"),
        (8, "networks"),
    ]
    assert "atlantis" in parsed.errors[2].reason
    sevilla = next(r for r in parsed.rows if r.name == "Sevilla")
    assert sevilla.country == "ES"
    barcelona = parsed.rows[0]
    assert barcelona.languages == ("ca", "es") and barcelona.networks == ("spain",)


def test_a_missing_required_column_is_reported_on_the_header_line() -> None:
    parsed = parse_cities_csv("name,region\nLisboa,\n", NETWORKS)
    assert parsed.rows == []
    assert parsed.errors[0].line == 1 and parsed.errors[0].column == "country"


def test_duplicates_quoted_fields_and_bad_language_codes() -> None:
    text = (
        "\ufeffName,Country,languages\n"
        '"Vila Nova de Gaia, Porto",PT,pt\n'
        "vila nova de gaia, porto,PT,pt\n"
        '"Vila Nova de Gaia, Porto",pt,pt\n'
        "Bogotá,CO,spanish\n"
    )
    parsed = parse_cities_csv(text, NETWORKS)
    assert [r.name for r in parsed.rows] == ["Vila Nova de Gaia, Porto"]
    reasons = {(e.line, e.column): e.reason for e in parsed.errors}
    assert "same city as line 2" in reasons[(4, "name")]
    assert (5, "languages") in reasons
