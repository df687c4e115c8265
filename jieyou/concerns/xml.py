"""Open311 XML: the same dicts the JSON answers carry, in the spec's element names."""

from xml.etree import ElementTree as ET

# A list inside a record is written as its plural element holding one singular per item.
ITEM_NAMES = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def render(data, *, root: str, item: str | None = None) -> bytes:
    """`data` is a list of records (each written as `item` under `root`) or one record."""
    top = ET.Element(root)
    if isinstance(data, list):
        for record in data:
            _fill(ET.SubElement(top, item), record)
    else:
        _fill(top, data)
    return ET.tostring(top, encoding="utf-8", xml_declaration=True)


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _fill(ET.SubElement(element, key), inner)
    elif isinstance(value, list):
        name = ITEM_NAMES[element.tag]
        for inner in value:
            _fill(ET.SubElement(element, name), inner)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)
