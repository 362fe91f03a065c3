"""Dutch names for the Rotterdam example: what the builder writes as ``name_nl``.

The example's names are written in English by ``build_rotterdam_example.py``; every record a
reader sees by name (components, critical functions, scenarios, plans) gets its Dutch name here,
in the words the Dutch operators use (RWZI, rioolgemaal, onderstation, persleiding,
middenspanningsring, WKO ...). Proper names (Maastunnel, Van Brienenoordbrug, Rotterdam World
Gateway) stay as they are. Names of assets made by a pattern are translated by that pattern;
the upper-level assets and every other one-off name are listed whole. A name that no rule
translates raises: a new English name must get its Dutch one here, never go out untranslated.
"""

from __future__ import annotations

import re

__all__ = ["dutch_name"]

#: whole names: upper-level assets, one-off names, critical functions, scenarios and plans
WHOLE: dict[str, str] = {
    # electricity
    "TenneT 380 kV national grid (import)": "TenneT 380kV-landelijk net (import)",
    "Power plants Maasvlakte (MPP3 and others)": "Centrales Maasvlakte (MPP3 en andere)",
    "Enecogen CCGT Europoort": "Enecogen STEG-centrale Europoort",
    "Prinses Amaliahaven 380 kV (new)": "Prinses Amaliahaven 380 kV (nieuw)",
    "MV cables through the Maastunnel": "MS-kabels door de Maastunnel",
    "Stedin SCADA and grid control centre": "Stedin SCADA en bedrijfsvoeringscentrum",
    "TenneT national control centre": "TenneT landelijk bedrijfsvoeringscentrum",
    "Stedin backup grid control room": "Stedin reservebedrijfsvoeringscentrum",
    "TenneT backup national control centre": "TenneT landelijk reservebedrijfsvoeringscentrum",
    # gas
    "Gasunie regional transport network (north)": "Gasunie regionaal transportnet (noord)",
    "Gasunie regional transport network (south)": "Gasunie regionaal transportnet (zuid)",
    # heat
    "AVR waste-to-energy plant Rozenburg": "AVR afvalenergiecentrale Rozenburg",
    "Backup heat from Uniper (stand-in)": "Reservewarmte van Uniper (plaatsvervanger)",
    "Warmtebedrijf branch to Maasstad Ziekenhuis": (
        "Aftakking Warmtebedrijf naar Maasstad Ziekenhuis"
    ),
    "Warmtebedrijf line under Katendrecht to Wilhelminapier": (
        "Leiding Warmtebedrijf onder Katendrecht naar Wilhelminapier"
    ),
    "Eneco primary network north bank": "Eneco primair net noordoever",
    "Leiding over Noord (Rozenburg - Vlaardingen - Schiedam - Rotterdam)": (
        "Leiding over Noord (Rozenburg - Vlaardingen - Schiedam - Rotterdam)"
    ),
    "Transfer station Leiding over Noord Rotterdam-West": (
        "Overdrachtstation Leiding over Noord Rotterdam-West"
    ),
    "Heat network control room (Eneco and Warmtebedrijf)": (
        "Regiekamer warmtenet (Eneco en Warmtebedrijf)"
    ),
    # drinking water
    "Maas intake Brabantse Biesbosch": "Maasinname Brabantse Biesbosch",
    "Biesbosch reservoirs (Petrusplaat, Honderd en Dertig, De Gijster)": (
        "Spaarbekkens Biesbosch (Petrusplaat, Honderd en Dertig, De Gijster)"
    ),
    "Transport main north (Kralingen - Noord - Overschie)": (
        "Transportleiding noord (Kralingen - Noord - Overschie)"
    ),
    "Transport main centre and west": "Transportleiding centrum en west",
    "Transport main Hoogvliet - Pernis - Rozenburg - port": (
        "Transportleiding Hoogvliet - Pernis - Rozenburg - haven"
    ),
    "Interconnection main through the Maastunnel (north - south)": (
        "Verbindingsleiding door de Maastunnel (noord - zuid)"
    ),
    "Interconnection main along the Van Brienenoordbrug": (
        "Verbindingsleiding langs de Van Brienenoordbrug"
    ),
    "Evides SCADA (production and distribution)": "Evides SCADA (productie en distributie)",
    # wastewater
    "Sludge processing Sluisjesdijk (digestion)": "Slibverwerking Sluisjesdijk (vergisting)",
    "HHSK telemetry and control (pumping stations, WWTP)": (
        "Telemetrie en besturing HHSK (gemalen, RWZI)"
    ),
    "Gemeente Rotterdam sewer telemetry": "Rioleringstelemetrie Gemeente Rotterdam",
    "Delfland telemetry and control": "Telemetrie en besturing Delfland",
    "Hollandse Delta telemetry and control": "Telemetrie en besturing Hollandse Delta",
    # flood defence and surface water
    "Dike Pernis": "Dijk Pernis",
    "Oude Maas dike Hoogvliet": "Oude Maasdijk Hoogvliet",
    "Dike Rozenburg (Europoortkering)": "Dijk Rozenburg (Europoortkering)",
    "Delfland coast Hoek van Holland (dunes and sea dike)": (
        "Delflandse kust Hoek van Holland (duinen en zeedijk)"
    ),
    "BOS decision and support system storm-surge barriers": (
        "BOS beslis- en ondersteunend systeem stormvloedkeringen"
    ),
    "Water storage Zuiderpark ponds": "Waterberging vijvers Zuiderpark",
    # telecom
    "Fibre cables through the Maastunnel": "Glasvezelkabels door de Maastunnel",
    "Fibre cables on the Erasmusbrug": "Glasvezelkabels op de Erasmusbrug",
    # mobility
    "A20 ring north (Kethelplein - Terbregseplein)": (
        "A20 ring noord (Kethelplein - Terbregseplein)"
    ),
    "A15 ring south (Beneluxplein - Vaanplein - Ridderster)": (
        "A15 ring zuid (Beneluxplein - Vaanplein - Ridderster)"
    ),
    "Koninginnebrug (bascule bridge to Noordereiland)": (
        "Koninginnebrug (basculebrug naar Noordereiland)"
    ),
    "City main roads North and centre": "Stedelijke hoofdwegen Noord en centrum",
    "City main roads South (Feijenoord, Charlois)": (
        "Stedelijke hoofdwegen Zuid (Feijenoord, Charlois)"
    ),
    "Rijkswaterstaat traffic control centre Zuid-West (Rhoon)": (
        "Verkeerscentrale Rijkswaterstaat Zuid-West (Rhoon)"
    ),
    "Gemeente Rotterdam traffic control centre Kleinpolderplein (incl. the Maastunnel)": (
        "Verkeerscentrale Gemeente Rotterdam Kleinpolderplein (incl. de Maastunnel)"
    ),
    "RET metro control centre": "RET-verkeersleiding metro",
    "Metro D/E river tunnel Leuvehaven - Wilhelminaplein": (
        "Metro D/E riviertunnel Leuvehaven - Wilhelminaplein"
    ),
    # port
    "Harbour Coordination Centre (World Port Center)": (
        "Havencoördinatiecentrum (World Port Center)"
    ),
    "Deep-sea quay Maasvlakte II": "Diepzeekade Maasvlakte II",
    "Waalhaven container and multipurpose terminals": (
        "Container- en multipurposeterminals Waalhaven"
    ),
    "Eemhaven terminals (Uniport)": "Terminals Eemhaven (Uniport)",
    # critical functions
    "Erasmus MC (incl. Sophia children's hospital)": "Erasmus MC (incl. Sophia Kinderziekenhuis)",
    "Meldkamer Rotterdam-Rijnmond (112 control room)": "Meldkamer Rotterdam-Rijnmond (112)",
    "Regional crisis centre VRR": "Regionaal crisiscentrum VRR",
    "City Hall (municipal crisis staff)": "Stadhuis (gemeentelijke crisisstaf)",
    "Police unit Rotterdam headquarters": "Hoofdbureau politie-eenheid Rotterdam",
    "Harbour Master Rotterdam (port traffic management)": (
        "Havenmeester Rotterdam (verkeersbegeleiding haven)"
    ),
    "Shell Pernis refinery": "Shell-raffinaderij Pernis",
    "Botlek chemical cluster": "Chemisch cluster Botlek",
    "Rotterdam Centraal station": "Station Rotterdam Centraal",
    "Food distribution centre Spaanse Polder": "Voedseldistributiecentrum Spaanse Polder",
    "Erasmus University Woudestein": "Erasmus Universiteit Woudestein",
    # plans
    "Kop van Zuid - Rijnhaven and Katendrecht": "Kop van Zuid - Rijnhaven en Katendrecht",
    "Central District": "Central District (binnenstad)",
    "Alexander (Prins Alexander centre)": "Alexander (centrum Prins Alexander)",
    "Electrification of homes (heat pumps, electric cooking and charging)": (
        "Elektrificatie van woningen (warmtepompen, elektrisch koken en laden)"
    ),
    "Growth of the heat network (Warmtenet Rotterdam)": (
        "Groei van het warmtenet (Warmtenet Rotterdam)"
    ),
    # scenarios
    "Failure of the 380/150 kV station Krimpen aan den IJssel": (
        "Uitval van het 380/150kV-station Krimpen aan den IJssel"
    ),
    "High river and storm water outside the dikes": "Hoog rivierwater en storm buitendijks",
    "Heat wave (38 degC in the centre)": "Hittegolf (38 °C in het centrum)",
    "Three-month closure of the Van Brienenoordbrug": (
        "Afsluiting van de Van Brienenoordbrug gedurende drie maanden"
    ),
    "Fire in distribution station Zuidplein": "Brand in onderstation Zuidplein",
    "Failure of the district sewage pumping station Ommoord on a dry day": (
        "Uitval van rioolgemaal Ommoord op een droge dag"
    ),
    "Failure of the district sewage pumping station Ommoord in a cloudburst": (
        "Uitval van rioolgemaal Ommoord bij een wolkbreuk"
    ),
    "Fire at AVR Rozenburg: the waste heat for the city stops": (
        "Brand bij AVR Rozenburg: de restwarmte voor de stad valt weg"
    ),
    "Failure of the Evides SCADA": "Uitval van de Evides SCADA",
    "Growth and energy transition to 2035": "Groei en energietransitie tot 2035",
}

#: names made by a pattern: the English form (a regular expression over the whole name) and
#: the Dutch one; the first that matches translates
PATTERNS: tuple[tuple[str, str], ...] = (
    (r"Substation (.+)", r"Netstation \1"),
    (r"Pumping unit (.+)", r"Pompput \1"),
    (r"Sewer storage (.+) \(catchment of its pumping unit\)", r"Rioolberging \1 (bemalingsgebied)"),
    (r"Mobile mast (.+)", r"Zendmast \1"),
    (r"Distribution mains (.+)", r"Distributieleidingen \1"),
    (r"MV ring (.+)", r"MS-ring \1"),
    (r"Gas mains (.+)", r"Gasleidingen \1"),
    (r"Fibre node (.+)", r"Glasvezelknooppunt \1"),
    (r"Fibre ring (.+)", r"Glasvezelring \1"),
    (r"Gas district station (.+)", r"Districtstation gas \1"),
    (r"Gas receiving station (.+)", r"Gasontvangstation \1"),
    (r"ATES system (.+)", r"WKO-systeem \1"),
    (r"District sewage pumping station (.+)", r"Rioolgemaal \1"),
    (r"Heat distribution (.+)", r"Warmtedistributie \1"),
    (r"Heat circulation pumps (.+)", r"Circulatiepompen warmte \1"),
    (r"Heat hub and boosters (.+)", r"Warmteknooppunt en boosters \1"),
    (r"Heat buffer (.+)", r"Warmtebuffer \1"),
    (r"Pressure main (.+)", r"Persleiding \1"),
    (r"Traction substation (.+)", r"Tractieonderstation \1"),
    (r"Polder pumping station (.+)", r"Poldergemaal \1"),
    (r"Distribution station (.+)", r"Onderstation \1"),
    (r"C2000 mast (.+)", r"C2000-mast \1"),
    (r"(\d+) kV cable (.+)", r"\1kV-kabel \2"),
    (r"WWTP (.+)", r"RWZI \1"),
    (r"Booster station (.+)", r"Boosterstation \1"),
    (r"Data centre (.+)", r"Datacenter \1"),
    (r"Raw-water main (.+)", r"Ruwwaterleiding \1"),
    (r"Transport main (.+)", r"Transportleiding \1"),
    (r"Drinking-water plant (.+)", r"Drinkwaterproductiebedrijf \1"),
    (r"High-lift pumps (.+)", r"Reinwaterpompen \1"),
    (r"Clean-water storage (.+)", r"Reinwaterkelder \1"),
    (r"Water storage (.+) parking garage (.+)", r"Waterberging parkeergarage \1 \2"),
    (r"Water storage (.+)", r"Waterberging \1"),
    (r"Water square (.+)", r"Waterplein \1"),
    (r"(.+) storm-surge barrier", r"\1"),
    (r"Tank storage and pipeline hub (.+)", r"Tankopslag en pijpleidingknooppunt \1"),
    (r"(.+) \(lock\)", r"\1 (sluis)"),
    (r"Warmtebedrijf transport line (.+)", r"Transportleiding Warmtebedrijf \1"),
    (r"Transfer station (.+) \(to the (\w+) network\)", r"Overdrachtstation \1 (naar het \2-net)"),
    (r"(Vattenfall|Eneco) network (.+)", r"\1-net \2"),
    (r"Peak and backup boiler plant (.+)", r"Piek- en reserveketelcentrale \1"),
    (r"Backup boiler plant (.+)", r"Reserveketelcentrale \1"),
    (r"KPN exchange (.+)", r"KPN-centrale \1"),
    (r"(\w+) hub (.+)", r"\1-knooppunt \2"),
    (
        r"(\w+) national backbone \(Rotterdam uplinks\)",
        r"\1 landelijke backbone (Rotterdamse uplinks)",
    ),
    (r"Traffic centre (.+)", r"Verkeerscentrale \1"),
    (r"City main roads (.+)", r"Stedelijke hoofdwegen \1"),
    (r"Fire station (.+)", r"Brandweerkazerne \1"),
    (r"Police station (.+)", r"Politiebureau \1"),
    (r"Care home (.+)", r"Verpleeghuis \1"),
)

#: words inside a translated name that are English still
_WORDS: tuple[tuple[str, str], ...] = (
    (r"\bWWTP\b", "RWZI"),
    (r"\(underground\)", "(ondergronds)"),
    (r"\(under the (.+)\)", r"(onder de \1)"),
    (r"\band\b", "en"),
    (r"\bEast\b", "Oost"),
    (r"\bNorth-west\b", "Noordwest"),
    (r"\bNorth\b", "Noord"),
    (r"\bSouth\b", "Zuid"),
    (r"\bPort west\b", "Haven west"),
    (r"\b(\d+),(\d{3}) m3\b", r"\1.\2 m3"),
    (r"\b(\d+) x (\d+),(\d{3}) m3\b", r"\1 x \2.\3 m3"),
)

#: names that are the same in Dutch: proper names of bridges, tunnels, lines, dikes, grid
#: stations and terminals, and names already in Dutch
_PROPER = re.compile(
    r"^(Metro [A-E/]+ .+|A\d+ .+|.+brug( \(A\d+\))?|.+tunnel( \(A\d+\))?|.+kering|Maasdijk .+"
    r"|Schielandse Hoge Zeedijk .+|[A-Z][\w -]+ \d{3}/\d{3} kV|Rotterdam World Gateway"
    r"|.+ Ziekenhuis|Franciscus .+|Spijkenisse Medisch Centrum|Metro Beneluxlijn .+"
    r"|APM Terminals .+|ECT \w+ Terminal|Feijenoord City \(Stadionpark\)"
    r"|Hart van Zuid \(Zuidplein\)"
    r"|Merwe-Vierhavens \(M4H\))$"
)


def dutch_name(name: str) -> str:
    """The Dutch name of a record named ``name`` in the example.

    >>> dutch_name("WWTP Dokhaven (underground)")
    'RWZI Dokhaven (ondergronds)'
    >>> dutch_name("Pressure main Eemhaven - WWTP Dokhaven (underground)")
    'Persleiding Eemhaven - RWZI Dokhaven (ondergronds)'
    >>> dutch_name("Maastunnel")
    'Maastunnel'
    """
    if name in WHOLE:
        return WHOLE[name]
    for english, dutch in PATTERNS:
        if re.fullmatch(english, name):
            out = re.sub(english, dutch, name)
            break
    else:
        if not _PROPER.match(name):
            raise ValueError(f"no Dutch name for {name!r}: add it to scripts/rotterdam_names.py")
        out = name
    for english, dutch in _WORDS:
        out = re.sub(english, dutch, out)
    return out
