"""Build kommuner_2015_2024.csv: every kommune code of 1.1.2015 carried step by step to 1.1.2024.

The facts are written out below. Codes, mergers, splits and renumberings follow SSB's classification 131,
"Standard for kommuneinndeling" (KLASS), and its change lists for 1.1.2017, 1.1.2018, 1.1.2020 and
1.1.2024; no kommune code changed on 1.1.2016, 1.1.2019, 1.1.2021, 1.1.2022 or 1.1.2023. KLASS does not
record border adjustments (grensejusteringer) that leave the codes as they are; the ones listed here are
those that moved people visible in the 2015 population grid, each with the decision it rests on. One of
them, Vågstranda (Rauma → Vestnes), took effect on 1.1.2021: it is a step of its own.

The population shares of split kommuner and of the parts moved by border adjustments are the only numbers
taken from data: the SSB 1 km population grid of 2015 placed in the 2017 and 2024 kommune polygons of
../shared/data (check_kommune_crosswalk.py does the placing and checks the result).

Run from the project root (it reads ../shared/data and rewrites the CSV beside this file):

    python grunnkretser/crosswalks/build_kommune_crosswalk.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "kommuner_2015_2024.csv"
STEP_YEARS = (2016, 2017, 2018, 2019, 2020, 2021, 2024)  # the year each step's new codes took effect
PREVIOUS = dict(zip(STEP_YEARS, (2015, *STEP_YEARS[:-1]), strict=True))
COLUMNS = ["year", "old", "new", "old_name", "new_name", "change", "population_share", "source"]
SHARE_DIGITS = 4

# One name per code. 2024 codes are named as in kommuner_2024_M.geojson (with their Sami and Kven parallel
# names), and so are codes of 2020-2023 that were only renumbered in 2024 (and 2018 Trøndelag codes still
# valid in 2024); older codes by their Norwegian name, as in the published 2015 table or the name then.
NAMES_2015 = """
0101 Halden|0104 Moss|0105 Sarpsborg|0106 Fredrikstad|0111 Hvaler|0118 Aremark|0119 Marker|0121 Rømskog
0122 Trøgstad|0123 Spydeberg|0124 Askim|0125 Eidsberg|0127 Skiptvet|0128 Rakkestad|0135 Råde|0136 Rygge
0137 Våler|0138 Hobøl|0211 Vestby|0213 Ski|0214 Ås|0215 Frogn|0216 Nesodden|0217 Oppegård|0219 Bærum
0220 Asker|0221 Aurskog-Høland|0226 Sørum|0227 Fet|0228 Rælingen|0229 Enebakk|0230 Lørenskog|0231 Skedsmo
0233 Nittedal|0234 Gjerdrum|0235 Ullensaker|0236 Nes|0237 Eidsvoll|0238 Nannestad|0239 Hurdal|0301 Oslo
0402 Kongsvinger|0403 Hamar|0412 Ringsaker|0415 Løten|0417 Stange|0418 Nord-Odal|0419 Sør-Odal
0420 Eidskog|0423 Grue|0425 Åsnes|0426 Våler|0427 Elverum|0428 Trysil|0429 Åmot|0430 Stor-Elvdal
0432 Rendalen|0434 Engerdal|0436 Tolga|0437 Tynset|0438 Alvdal|0439 Folldal|0441 Os|0501 Lillehammer
0502 Gjøvik|0511 Dovre|0512 Lesja|0513 Skjåk|0514 Lom|0515 Vågå|0516 Nord-Fron|0517 Sel|0519 Sør-Fron
0520 Ringebu|0521 Øyer|0522 Gausdal|0528 Østre Toten|0529 Vestre Toten|0532 Jevnaker|0533 Lunner
0534 Gran|0536 Søndre Land|0538 Nordre Land|0540 Sør-Aurdal|0541 Etnedal|0542 Nord-Aurdal
0543 Vestre Slidre|0544 Øystre Slidre|0545 Vang|0602 Drammen|0604 Kongsberg|0605 Ringerike|0612 Hole
0615 Flå|0616 Nes|0617 Gol|0618 Hemsedal|0619 Ål|0620 Hol|0621 Sigdal|0622 Krødsherad|0623 Modum
0624 Øvre Eiker|0625 Nedre Eiker|0626 Lier|0627 Røyken|0628 Hurum|0631 Flesberg|0632 Rollag
0633 Nore og Uvdal|0701 Horten|0702 Holmestrand|0704 Tønsberg|0706 Sandefjord|0709 Larvik|0711 Svelvik
0713 Sande|0714 Hof|0716 Re|0719 Andebu|0720 Stokke|0722 Nøtterøy|0723 Tjøme|0728 Lardal|0805 Porsgrunn
0806 Skien|0807 Notodden|0811 Siljan|0814 Bamble|0815 Kragerø|0817 Drangedal|0819 Nome|0821 Bø
0822 Sauherad|0826 Tinn|0827 Hjartdal|0828 Seljord|0829 Kviteseid|0830 Nissedal|0831 Fyresdal|0833 Tokke
0834 Vinje|0901 Risør|0904 Grimstad|0906 Arendal|0911 Gjerstad|0912 Vegårshei|0914 Tvedestrand
0919 Froland|0926 Lillesand|0928 Birkenes|0929 Åmli|0935 Iveland|0937 Evje og Hornnes|0938 Bygland
0940 Valle|0941 Bykle|1001 Kristiansand|1002 Mandal|1003 Farsund|1004 Flekkefjord|1014 Vennesla
1017 Songdalen|1018 Søgne|1021 Marnardal|1026 Åseral|1027 Audnedal|1029 Lindesnes|1032 Lyngdal
1034 Hægebostad|1037 Kvinesdal|1046 Sirdal|1101 Eigersund|1102 Sandnes|1103 Stavanger|1106 Haugesund
1111 Sokndal|1112 Lund|1114 Bjerkreim|1119 Hå|1120 Klepp|1121 Time|1122 Gjesdal|1124 Sola|1127 Randaberg
1129 Forsand|1130 Strand|1133 Hjelmeland|1134 Suldal|1135 Sauda|1141 Finnøy|1142 Rennesøy|1144 Kvitsøy
1145 Bokn|1146 Tysvær|1149 Karmøy|1151 Utsira|1160 Vindafjord|1201 Bergen|1211 Etne|1216 Sveio|1219 Bømlo
1221 Stord|1222 Fitjar|1223 Tysnes|1224 Kvinnherad|1227 Jondal|1228 Odda|1231 Ullensvang|1232 Eidfjord
1233 Ulvik|1234 Granvin|1235 Voss|1238 Kvam|1241 Fusa|1242 Samnanger|1243 Os|1244 Austevoll|1245 Sund
1246 Fjell|1247 Askøy|1251 Vaksdal|1252 Modalen|1253 Osterøy|1256 Meland|1259 Øygarden|1260 Radøy
1263 Lindås|1264 Austrheim|1265 Fedje|1266 Masfjorden|1401 Flora|1411 Gulen|1412 Solund|1413 Hyllestad
1416 Høyanger|1417 Vik|1418 Balestrand|1419 Leikanger|1420 Sogndal|1421 Aurland|1422 Lærdal|1424 Årdal
1426 Luster|1428 Askvoll|1429 Fjaler|1430 Gaular|1431 Jølster|1432 Førde|1433 Naustdal|1438 Bremanger
1439 Vågsøy|1441 Selje|1443 Eid|1444 Hornindal|1445 Gloppen|1449 Stryn|1502 Molde|1504 Ålesund
1505 Kristiansund|1511 Vanylven|1514 Sande|1515 Herøy|1516 Ulstein|1517 Hareid|1519 Volda|1520 Ørsta
1523 Ørskog|1524 Norddal|1525 Stranda|1526 Stordal|1528 Sykkylven|1529 Skodje|1531 Sula|1532 Giske
1534 Haram|1535 Vestnes|1539 Rauma|1543 Nesset|1545 Midsund|1546 Sandøy|1547 Aukra|1548 Fræna|1551 Eide
1554 Averøy|1557 Gjemnes|1560 Tingvoll|1563 Sunndal|1566 Surnadal|1567 Rindal|1571 Halsa|1573 Smøla
1576 Aure|1601 Trondheim|1612 Hemne|1613 Snillfjord|1617 Hitra|1620 Frøya|1621 Ørland|1622 Agdenes
1624 Rissa|1627 Bjugn|1630 Åfjord|1632 Roan|1633 Osen|1634 Oppdal|1635 Rennebu|1636 Meldal|1638 Orkdal
1640 Røros|1644 Holtålen|1648 Midtre Gauldal|1653 Melhus|1657 Skaun|1662 Klæbu|1663 Malvik|1664 Selbu
1665 Tydal|1702 Steinkjer|1703 Namsos|1711 Meråker|1714 Stjørdal|1717 Frosta|1718 Leksvik|1719 Levanger
1721 Verdal|1724 Verran|1725 Namdalseid|1736 Snåsa|1738 Lierne|1739 Røyrvik|1740 Namsskogan|1742 Grong
1743 Høylandet|1744 Overhalla|1748 Fosnes|1749 Flatanger|1750 Vikna|1751 Nærøy|1755 Leka|1756 Inderøy
1804 Bodø|1805 Narvik|1811 Bindal|1812 Sømna|1813 Brønnøy|1815 Vega|1816 Vevelstad|1818 Herøy
1820 Alstahaug|1822 Leirfjord|1824 Vefsn|1825 Grane|1826 Aarborte - Hattfjelldal|1827 Dønna|1828 Nesna
1832 Hemnes|1833 Rana|1834 Lurøy|1835 Træna|1836 Rødøy|1837 Meløy|1838 Gildeskål|1839 Beiarn|1840 Saltdal
1841 Fauske - Fuossko|1845 Sørfold|1848 Steigen|1849 Hamarøy|1850 Tysfjord|1851 Lødingen|1852 Tjeldsund
1853 Evenes - Evenášši|1854 Ballangen|1856 Røst|1857 Værøy|1859 Flakstad|1860 Vestvågøy|1865 Vågan
1866 Hadsel|1867 Bø|1868 Øksnes|1870 Sortland - Suortá|1871 Andøy|1874 Moskenes|1902 Tromsø|1903 Harstad
1911 Kvæfjord|1913 Skånland|1917 Ibestad|1919 Gratangen|1920 Lavangen|1922 Bardu|1923 Salangen
1924 Målselv|1925 Sørreisa|1926 Dyrøy|1927 Tranøy|1928 Torsken|1929 Berg|1931 Lenvik|1933 Balsfjord
1936 Karlsøy|1938 Lyngen|1939 Storfjord|1940 Kåfjord|1941 Skjervøy|1942 Nordreisa|1943 Kvænangen
2002 Vardø|2003 Vadsø|2004 Hammerfest|2011 Kautokeino|2012 Alta|2014 Loppa|2015 Hasvik|2017 Kvalsund
2018 Måsøy|2019 Nordkapp|2020 Porsanger|2021 Karasjok|2022 Lebesby|2023 Gamvik|2024 Berlevåg|2025 Tana
2027 Nesseby|2028 Båtsfjord|2030 Sør-Varanger
"""

NAMES_LATER = """
0710 Sandefjord|0712 Larvik|0715 Holmestrand|0729 Færder
5004 Steinkjer|5005 Namsos|5011 Hemne|5012 Snillfjord|5013 Hitra|5015 Ørland|5016 Agdenes|5017 Bjugn
5018 Åfjord|5019 Roan|5023 Meldal|5024 Orkdal|5030 Klæbu|5039 Verran|5040 Namdalseid|5048 Fosnes
5050 Vikna|5051 Nærøy|1507 Ålesund
3001 Halden|3002 Moss|3003 Sarpsborg|3004 Fredrikstad|3005 Drammen|3006 Kongsberg|3007 Ringerike
3011 Hvaler|3012 Aremark|3013 Marker|3014 Indre Østfold|3015 Skiptvet|3016 Rakkestad|3017 Råde|3018 Våler
3019 Vestby|3020 Nordre Follo|3021 Ås|3022 Frogn|3023 Nesodden|3024 Bærum|3025 Asker|3026 Aurskog-Høland
3027 Rælingen|3028 Enebakk|3029 Lørenskog|3030 Lillestrøm|3031 Nittedal|3032 Gjerdrum|3033 Ullensaker
3034 Nes|3035 Eidsvoll|3036 Nannestad|3037 Hurdal|3038 Hole|3039 Flå|3040 Nesbyen|3041 Gol|3042 Hemsedal
3043 Ål|3044 Hol|3045 Sigdal|3046 Krødsherad|3047 Modum|3048 Øvre Eiker|3049 Lier|3050 Flesberg
3051 Rollag|3052 Nore og Uvdal|3053 Jevnaker|3054 Lunner
3801 Horten|3802 Holmestrand|3803 Tønsberg|3804 Sandefjord|3805 Larvik|3806 Porsgrunn|3807 Skien
3808 Notodden|3811 Færder|3812 Siljan|3813 Bamble|3814 Kragerø|3815 Drangedal|3816 Nome
3817 Midt-Telemark|3818 Tinn|3819 Hjartdal|3820 Seljord|3821 Kviteseid|3822 Nissedal|3823 Fyresdal
3824 Tokke|3825 Vinje
5401 Tromsø|5402 Harstad - Hárstták|5403 Alta|5404 Vardø|5405 Vadsø|5406 Hammerfest - Hámmerfeasta
5411 Kvæfjord|5412 Dielddanuorri - Tjeldsund|5413 Ibestad|5414 Gratangen|5415 Loabák - Lavangen
5416 Bardu|5417 Salangen|5418 Målselv|5419 Sørreisa|5420 Dyrøy|5421 Senja|5422 Balsfjord|5423 Karlsøy
5424 Lyngen|5425 Storfjord - Omasvuotna - Omasvuono|5426 Gáivuotna - Kåfjord - Kaivuono|5427 Skjervøy
5428 Nordreisa - Ráisa - Raisi|5429 Kvænangen|5430 Guovdageaidnu - Kautokeino|5432 Loppa|5433 Hasvik
5434 Måsøy|5435 Nordkapp|5436 Porsanger - Porsáŋgu - Porsanki|5437 Kárášjohka - Karasjok|5438 Lebesby
5439 Gamvik|5440 Berlevåg|5441 Deatnu - Tana|5442 Unjárga - Nesseby|5443 Båtsfjord|5444 Sør-Varanger
"""

NAMES_2024 = """
0301 Oslo|1101 Eigersund|1103 Stavanger|1106 Haugesund|1108 Sandnes|1111 Sokndal|1112 Lund|1114 Bjerkreim
1119 Hå|1120 Klepp|1121 Time|1122 Gjesdal|1124 Sola|1127 Randaberg|1130 Strand|1133 Hjelmeland|1134 Suldal
1135 Sauda|1144 Kvitsøy|1145 Bokn|1146 Tysvær|1149 Karmøy|1151 Utsira|1160 Vindafjord|1505 Kristiansund
1506 Molde|1508 Ålesund|1511 Vanylven|1514 Sande|1515 Herøy|1516 Ulstein|1517 Hareid|1520 Ørsta
1525 Stranda|1528 Sykkylven|1531 Sula|1532 Giske|1535 Vestnes|1539 Rauma|1547 Aukra|1554 Averøy
1557 Gjemnes|1560 Tingvoll|1563 Sunndal|1566 Surnadal|1573 Smøla|1576 Aure|1577 Volda|1578 Fjord
1579 Hustadvika|1580 Haram|1804 Bodø|1806 Narvik|1811 Bindal|1812 Sømna|1813 Brønnøy|1815 Vega
1816 Vevelstad|1818 Herøy|1820 Alstahaug|1822 Leirfjord|1824 Vefsn|1825 Grane|1826 Aarborte - Hattfjelldal
1827 Dønna|1828 Nesna|1832 Hemnes|1833 Rana|1834 Lurøy|1835 Træna|1836 Rødøy|1837 Meløy|1838 Gildeskål
1839 Beiarn|1840 Saltdal|1841 Fauske - Fuossko|1845 Sørfold|1848 Steigen|1851 Lødingen
1853 Evenes - Evenášši|1856 Røst|1857 Værøy|1859 Flakstad|1860 Vestvågøy|1865 Vågan|1866 Hadsel|1867 Bø
1868 Øksnes|1870 Sortland - Suortá|1871 Andøy|1874 Moskenes|1875 Hábmer - Hamarøy
3101 Halden|3103 Moss|3105 Sarpsborg|3107 Fredrikstad|3110 Hvaler|3112 Råde|3114 Våler|3116 Skiptvet
3118 Indre Østfold|3120 Rakkestad|3122 Marker|3124 Aremark
3201 Bærum|3203 Asker|3205 Lillestrøm|3207 Nordre Follo|3209 Ullensaker|3212 Nesodden|3214 Frogn
3216 Vestby|3218 Ås|3220 Enebakk|3222 Lørenskog|3224 Rælingen|3226 Aurskog-Høland|3228 Nes|3230 Gjerdrum
3232 Nittedal|3234 Lunner|3236 Jevnaker|3238 Nannestad|3240 Eidsvoll|3242 Hurdal
3301 Drammen|3303 Kongsberg|3305 Ringerike|3310 Hole|3312 Lier|3314 Øvre Eiker|3316 Modum|3318 Krødsherad
3320 Flå|3322 Nesbyen|3324 Gol|3326 Hemsedal|3328 Ål|3330 Hol|3332 Sigdal|3334 Flesberg|3336 Rollag
3338 Nore og Uvdal
3401 Kongsvinger|3403 Hamar|3405 Lillehammer|3407 Gjøvik|3411 Ringsaker|3412 Løten|3413 Stange
3414 Nord-Odal|3415 Sør-Odal|3416 Eidskog|3417 Grue|3418 Åsnes|3419 Våler|3420 Elverum|3421 Trysil
3422 Åmot|3423 Stor-Elvdal|3424 Rendalen|3425 Engerdal|3426 Tolga|3427 Tynset|3428 Alvdal|3429 Folldal
3430 Os|3431 Dovre|3432 Lesja|3433 Skjåk|3434 Lom|3435 Vågå|3436 Nord-Fron|3437 Sel|3438 Sør-Fron
3439 Ringebu|3440 Øyer|3441 Gausdal|3442 Østre Toten|3443 Vestre Toten|3446 Gran|3447 Søndre Land
3448 Nordre Land|3449 Sør-Aurdal|3450 Etnedal|3451 Nord-Aurdal|3452 Vestre Slidre|3453 Øystre Slidre
3454 Vang
3901 Horten|3903 Holmestrand|3905 Tønsberg|3907 Sandefjord|3909 Larvik|3911 Færder
4001 Porsgrunn|4003 Skien|4005 Notodden|4010 Siljan|4012 Bamble|4014 Kragerø|4016 Drangedal|4018 Nome
4020 Midt-Telemark|4022 Seljord|4024 Hjartdal|4026 Tinn|4028 Kviteseid|4030 Nissedal|4032 Fyresdal
4034 Tokke|4036 Vinje
4201 Risør|4202 Grimstad|4203 Arendal|4204 Kristiansand|4205 Lindesnes|4206 Farsund|4207 Flekkefjord
4211 Gjerstad|4212 Vegårshei|4213 Tvedestrand|4214 Froland|4215 Lillesand|4216 Birkenes|4217 Åmli
4218 Iveland|4219 Evje og Hornnes|4220 Bygland|4221 Valle|4222 Bykle|4223 Vennesla|4224 Åseral
4225 Lyngdal|4226 Hægebostad|4227 Kvinesdal|4228 Sirdal
4601 Bergen|4602 Kinn|4611 Etne|4612 Sveio|4613 Bømlo|4614 Stord|4615 Fitjar|4616 Tysnes|4617 Kvinnherad
4618 Ullensvang|4619 Eidfjord|4620 Ulvik|4621 Voss|4622 Kvam|4623 Samnanger|4624 Bjørnafjorden
4625 Austevoll|4626 Øygarden|4627 Askøy|4628 Vaksdal|4629 Modalen|4630 Osterøy|4631 Alver|4632 Austrheim
4633 Fedje|4634 Masfjorden|4635 Gulen|4636 Solund|4637 Hyllestad|4638 Høyanger|4639 Vik|4640 Sogndal
4641 Aurland|4642 Lærdal|4643 Årdal|4644 Luster|4645 Askvoll|4646 Fjaler|4647 Sunnfjord|4648 Bremanger
4649 Stad|4650 Gloppen|4651 Stryn
5001 Trondheim - Tråante|5006 Steinkjer|5007 Namsos - Nåavmesjenjaelmie|5014 Frøya|5020 Osen
5021 Oppdal|5022 Rennebu|5025 Rosse - Røros|5026 Holtålen|5027 Midtre Gauldal|5028 Melhus|5029 Skaun
5031 Malvik|5032 Selbu|5033 Tydal|5034 Meråker|5035 Stjørdal|5036 Frosta|5037 Levanger|5038 Verdal
5041 Snåase - Snåsa|5042 Lierne|5043 Raarvihke - Røyrvik|5044 Namsskogan|5045 Grong|5046 Høylandet
5047 Overhalla|5049 Flatanger|5052 Leka|5053 Inderøy|5054 Indre Fosen|5055 Heim|5056 Hitra|5057 Ørland
5058 Åfjord|5059 Orkland|5060 Nærøysund|5061 Rindal
5501 Tromsø|5503 Harstad - Hárstták|5510 Kvæfjord|5512 Dielddanuorri - Tjeldsund|5514 Ibestad
5516 Gratangen|5518 Loabák - Lavangen|5520 Bardu|5522 Salangen|5524 Målselv|5526 Sørreisa|5528 Dyrøy
5530 Senja|5532 Balsfjord|5534 Karlsøy|5536 Lyngen|5538 Storfjord - Omasvuotna - Omasvuono
5540 Gáivuotna - Kåfjord - Kaivuono|5542 Skjervøy|5544 Nordreisa - Ráisa - Raisi|5546 Kvænangen
5601 Alta|5603 Hammerfest - Hámmerfeasta|5605 Sør-Varanger|5607 Vadsø|5610 Kárášjohka - Karasjok
5612 Guovdageaidnu - Kautokeino|5614 Loppa|5616 Hasvik|5618 Måsøy|5620 Nordkapp
5622 Porsanger - Porsáŋgu - Porsanki|5624 Lebesby|5626 Gamvik|5628 Deatnu - Tana|5630 Berlevåg
5632 Båtsfjord|5634 Vardø|5636 Unjárga - Nesseby
"""

KLASS = "SSB KLASS 131 (Standard for kommuneinndeling), endringer 1.1.{year}"
KOMMUNEREFORM_2020 = (
    "kommunereformen: sammenslåing fra 1.1.2020 (Stortingets vedtak 8. juni 2017, Prop. 96 S (2016–2017), "
    "Innst. 386 S (2016–2017))"
)
REGIONREFORM_2020 = (
    "regionreformen fra 1.1.2020 (Stortingets vedtak 8. juni 2017, Prop. 84 S (2016–2017)): {counties}"
)
FYLKESDELING_2024 = (
    "fylkesdelingen fra 1.1.2024 (Stortingets vedtak 14. juni 2022, Prop. 113 LS og Prop. 127 S (2021–2022)): "
    "{counties}"
)
TRONDELAG_2018 = (
    "Sør-Trøndelag + Nord-Trøndelag → Trøndelag fra 1.1.2018 "
    "(Stortingets vedtak 8. juni 2016, Prop. 130 LS (2015–2016))"
)
GRENSEJUSTERING = "grensejustering fra 1.1.2020: {what} ({decision})"
KMD_DEC_2018 = "KMD-vedtak 10.12.2018"
KMD_JUL_2018 = "KMD-vedtak 2.7.2018"

# Each step: (context, changes). A change line is "new <- old old ...": the kommune `new` made of the
# old ones; "old*" marks a part of an old kommune that was split between several new ones (each of its
# parts is marked); "old>" a part moved to `new` by a border adjustment, the rest of `old` going where
# its other line says (or staying, new = old). Codes of the previous year in no line are unchanged.
STEPS: dict[int, list[tuple[str, str]]] = {
    2016: [],
    2017: [("kommunereformen: sammenslåing fra 1.1.2017", "0710 <- 0706 0719 0720")],
    2018: [
        (
            TRONDELAG_2018,
            """
            5001 <- 1601 | 5011 <- 1612 | 5012 <- 1613 | 5013 <- 1617 | 5014 <- 1620 | 5015 <- 1621
            5016 <- 1622 | 5017 <- 1627 | 5018 <- 1630 | 5019 <- 1632 | 5020 <- 1633 | 5021 <- 1634
            5022 <- 1635 | 5023 <- 1636 | 5024 <- 1638 | 5025 <- 1640 | 5026 <- 1644 | 5027 <- 1648
            5028 <- 1653 | 5029 <- 1657 | 5030 <- 1662 | 5031 <- 1663 | 5032 <- 1664 | 5033 <- 1665
            5004 <- 1702 | 5005 <- 1703 | 5034 <- 1711 | 5035 <- 1714 | 5036 <- 1717 | 5037 <- 1719
            5038 <- 1721 | 5039 <- 1724 | 5040 <- 1725 | 5041 <- 1736 | 5042 <- 1738 | 5043 <- 1739
            5044 <- 1740 | 5045 <- 1742 | 5046 <- 1743 | 5047 <- 1744 | 5048 <- 1748 | 5049 <- 1749
            5050 <- 1750 | 5051 <- 1751 | 5052 <- 1755 | 5053 <- 1756
            """,
        ),
        (
            "kommunereformen: sammenslåing fra 1.1.2018; " + TRONDELAG_2018,
            "5054 <- 1624 1718",
        ),
        (
            "kommunereformen: sammenslåing fra 1.1.2018",
            "0712 <- 0709 0728 | 0715 <- 0702 0714 | 0729 <- 0722 0723",
        ),
    ],
    2019: [],
    2020: [
        (
            REGIONREFORM_2020.format(
                counties="Østfold + Akershus + Buskerud (+ Jevnaker, Lunner fra Oppland) → Viken"
            ),
            """
            3001 <- 0101 | 3003 <- 0105 | 3004 <- 0106 | 3006 <- 0604 | 3007 <- 0605 | 3011 <- 0111
            3012 <- 0118 | 3013 <- 0119 | 3015 <- 0127 | 3016 <- 0128 | 3017 <- 0135 | 3018 <- 0137
            3019 <- 0211 | 3021 <- 0214 | 3022 <- 0215 | 3023 <- 0216 | 3024 <- 0219 | 3027 <- 0228
            3028 <- 0229 | 3029 <- 0230 | 3031 <- 0233 | 3032 <- 0234 | 3033 <- 0235 | 3034 <- 0236
            3035 <- 0237 | 3036 <- 0238 | 3037 <- 0239 | 3038 <- 0612 | 3039 <- 0615 | 3040 <- 0616
            3041 <- 0617 | 3042 <- 0618 | 3043 <- 0619 | 3044 <- 0620 | 3045 <- 0621 | 3046 <- 0622
            3047 <- 0623 | 3048 <- 0624 | 3049 <- 0626 | 3050 <- 0631 | 3051 <- 0632 | 3052 <- 0633
            3053 <- 0532 | 3054 <- 0533
            """,
        ),
        (
            KOMMUNEREFORM_2020 + "; " + REGIONREFORM_2020.format(counties="→ Viken"),
            """
            3002 <- 0104 0136 | 3005 <- 0602 0625 0711 | 3014 <- 0122 0123 0124 0125 0138
            3020 <- 0213 0217 | 3025 <- 0220 0627 0628 | 3026 <- 0221 0121 | 3030 <- 0226 0227 0231
            """,
        ),
        (
            REGIONREFORM_2020.format(counties="Hedmark + Oppland → Innlandet"),
            """
            3401 <- 0402 | 3403 <- 0403 | 3405 <- 0501 | 3407 <- 0502 | 3411 <- 0412 | 3412 <- 0415
            3413 <- 0417 | 3414 <- 0418 | 3415 <- 0419 | 3416 <- 0420 | 3417 <- 0423 | 3418 <- 0425
            3419 <- 0426 | 3420 <- 0427 | 3421 <- 0428 | 3422 <- 0429 | 3423 <- 0430 | 3424 <- 0432
            3425 <- 0434 | 3426 <- 0436 | 3427 <- 0437 | 3428 <- 0438 | 3429 <- 0439 | 3430 <- 0441
            3431 <- 0511 | 3432 <- 0512 | 3433 <- 0513 | 3434 <- 0514 | 3435 <- 0515 | 3436 <- 0516
            3437 <- 0517 | 3438 <- 0519 | 3439 <- 0520 | 3440 <- 0521 | 3441 <- 0522 | 3442 <- 0528
            3443 <- 0529 | 3446 <- 0534 | 3447 <- 0536 | 3448 <- 0538 | 3449 <- 0540 | 3450 <- 0541
            3451 <- 0542 | 3452 <- 0543 | 3453 <- 0544 | 3454 <- 0545
            """,
        ),
        (
            REGIONREFORM_2020.format(counties="Vestfold + Telemark → Vestfold og Telemark"),
            """
            3801 <- 0701 | 3804 <- 0710 | 3805 <- 0712 | 3806 <- 0805 | 3807 <- 0806 | 3808 <- 0807
            3811 <- 0729 | 3812 <- 0811 | 3813 <- 0814 | 3814 <- 0815 | 3815 <- 0817 | 3816 <- 0819
            3818 <- 0826 | 3819 <- 0827 | 3820 <- 0828 | 3821 <- 0829 | 3822 <- 0830 | 3823 <- 0831
            3824 <- 0833 | 3825 <- 0834
            """,
        ),
        (
            KOMMUNEREFORM_2020 + "; " + REGIONREFORM_2020.format(counties="→ Vestfold og Telemark"),
            "3802 <- 0715 0713 | 3803 <- 0704 0716 | 3817 <- 0821 0822",
        ),
        (
            REGIONREFORM_2020.format(counties="Aust-Agder + Vest-Agder → Agder"),
            """
            4201 <- 0901 | 4202 <- 0904 | 4203 <- 0906 | 4206 <- 1003 | 4207 <- 1004 | 4211 <- 0911
            4212 <- 0912 | 4213 <- 0914 | 4214 <- 0919 | 4215 <- 0926 | 4216 <- 0928 | 4217 <- 0929
            4218 <- 0935 | 4219 <- 0937 | 4220 <- 0938 | 4221 <- 0940 | 4222 <- 0941 | 4223 <- 1014
            4224 <- 1026 | 4226 <- 1034 | 4227 <- 1037 | 4228 <- 1046
            """,
        ),
        (
            KOMMUNEREFORM_2020 + "; " + REGIONREFORM_2020.format(counties="→ Agder"),
            "4204 <- 1001 1017 1018 | 4205 <- 1002 1021 1029 | 4225 <- 1032 1027",
        ),
        (KOMMUNEREFORM_2020, "1103 <- 1103 1141 1142 | 1108 <- 1102 1129"),
        (
            REGIONREFORM_2020.format(counties="Hordaland + Sogn og Fjordane → Vestland"),
            """
            4601 <- 1201 | 4611 <- 1211 | 4612 <- 1216 | 4613 <- 1219 | 4614 <- 1221 | 4615 <- 1222
            4616 <- 1223 | 4617 <- 1224 | 4619 <- 1232 | 4620 <- 1233 | 4622 <- 1238 | 4623 <- 1242
            4625 <- 1244 | 4627 <- 1247 | 4628 <- 1251 | 4629 <- 1252 | 4630 <- 1253 | 4632 <- 1264
            4633 <- 1265 | 4634 <- 1266 | 4635 <- 1411 | 4636 <- 1412 | 4637 <- 1413 | 4638 <- 1416
            4639 <- 1417 | 4641 <- 1421 | 4642 <- 1422 | 4643 <- 1424 | 4644 <- 1426 | 4645 <- 1428
            4646 <- 1429 | 4648 <- 1438 | 4650 <- 1445 | 4651 <- 1449
            """,
        ),
        (
            KOMMUNEREFORM_2020 + "; " + REGIONREFORM_2020.format(counties="→ Vestland"),
            """
            4602 <- 1401 1439 | 4618 <- 1227 1228 1231 | 4621 <- 1234 1235 | 4624 <- 1241 1243
            4626 <- 1245 1246 1259 | 4631 <- 1256 1260 1263 | 4640 <- 1418 1419 1420
            4647 <- 1430 1431 1432 1433 | 4649 <- 1441 1443
            """,
        ),
        (
            KOMMUNEREFORM_2020,
            "1506 <- 1502 1543 1545 | 1507 <- 1504 1523 1529 1534 1546 | 1578 <- 1524 1526 | 1579 <- 1548 1551",
        ),
        (KOMMUNEREFORM_2020 + " (Hornindal fra Sogn og Fjordane)", "1577 <- 1519 1444"),
        (KOMMUNEREFORM_2020 + " (Halsa fra Møre og Romsdal)", "5055 <- 5011 1571 5012*"),
        (REGIONREFORM_2020.format(counties="Rindal fra Møre og Romsdal til Trøndelag"), "5061 <- 1567"),
        (
            KOMMUNEREFORM_2020,
            """
            5001 <- 5001 5030 | 5006 <- 5004 5039 | 5007 <- 5005 5040 5048 | 5056 <- 5013 5012*
            5057 <- 5015 5017 | 5058 <- 5018 5019 | 5059 <- 5024 5023 5016 5012* | 5060 <- 5050 5051
            1806 <- 1805 1854 1850* | 1875 <- 1849 1850*
            """,
        ),
        (
            REGIONREFORM_2020.format(counties="Troms + Finnmark → Troms og Finnmark"),
            """
            5401 <- 1902 | 5402 <- 1903 | 5403 <- 2012 | 5404 <- 2002 | 5405 <- 2003 | 5411 <- 1911
            5413 <- 1917 | 5414 <- 1919 | 5415 <- 1920 | 5416 <- 1922 | 5417 <- 1923 | 5418 <- 1924
            5419 <- 1925 | 5420 <- 1926 | 5422 <- 1933 | 5423 <- 1936 | 5424 <- 1938 | 5425 <- 1939
            5426 <- 1940 | 5427 <- 1941 | 5428 <- 1942 | 5429 <- 1943 | 5430 <- 2011 | 5432 <- 2014
            5433 <- 2015 | 5434 <- 2018 | 5435 <- 2019 | 5436 <- 2020 | 5437 <- 2021 | 5438 <- 2022
            5439 <- 2023 | 5440 <- 2024 | 5441 <- 2025 | 5442 <- 2027 | 5443 <- 2028 | 5444 <- 2030
            """,
        ),
        (
            KOMMUNEREFORM_2020 + "; " + REGIONREFORM_2020.format(counties="→ Troms og Finnmark"),
            "5406 <- 2004 2017 | 5421 <- 1927 1928 1929 1931",
        ),
        (
            KOMMUNEREFORM_2020
            + " (Tjeldsund fra Nordland); "
            + REGIONREFORM_2020.format(counties="→ Troms og Finnmark"),
            "5412 <- 1852 1913",
        ),
        (
            GRENSEJUSTERING.format(
                what="Forsand nord for Lysefjorden til Strand", decision="KMD-vedtak desember 2018"
            ),
            "1130 <- 1129>",
        ),
        (
            GRENSEJUSTERING.format(
                what="Vestersjø krins på Ombo fra Hjelmeland til Finnøy (nye Stavanger)",
                decision=KMD_DEC_2018,
            ),
            "1103 <- 1133>",
        ),
        (
            GRENSEJUSTERING.format(
                what="grunnkretsene Angard og Hjuksebø fra Sauherad til Notodden", decision=KMD_JUL_2018
            ),
            "3808 <- 0822>",
        ),
        (
            GRENSEJUSTERING.format(
                what="Bryggja (krinsane Bryggja, Totland og Maurstad) fra Vågsøy til Eid/Selje (nye Stad)",
                decision="KMD-vedtak november 2017",
            ),
            "4649 <- 1439>",
        ),
        (
            GRENSEJUSTERING.format(
                what="Nesse grunnkrins fra Balestrand til Høyanger", decision=KMD_DEC_2018
            ),
            "4638 <- 1418>",
        ),
        (
            GRENSEJUSTERING.format(
                what="Bjørke og Viddal krins fra Ørsta til nye Volda", decision=KMD_JUL_2018
            ),
            "1577 <- 1520>",
        ),
        (
            GRENSEJUSTERING.format(
                what="Verrabotn grunnkrets fra Verran til Indre Fosen", decision=KMD_DEC_2018
            ),
            "5054 <- 5039>",
        ),
        (
            GRENSEJUSTERING.format(
                what="Lund grunnkrets fra Nærøy til nye Namsos",
                decision="Fylkesmannen i Trøndelags vedtak, mai 2018",
            ),
            "5007 <- 5051>",
        ),
    ],
    2021: [
        (
            "grensejustering fra 1.1.2021: Vågstranda (grunnkretsene Hjelvik og Våge) fra Rauma til Vestnes "
            "(KMD-vedtak juni 2019)",
            "1535 <- 1539>",
        )
    ],
    2024: [
        (
            FYLKESDELING_2024.format(counties="Viken → Østfold, Akershus og Buskerud"),
            """
            3101 <- 3001 | 3103 <- 3002 | 3105 <- 3003 | 3107 <- 3004 | 3110 <- 3011 | 3112 <- 3017
            3114 <- 3018 | 3116 <- 3015 | 3118 <- 3014 | 3120 <- 3016 | 3122 <- 3013 | 3124 <- 3012
            3201 <- 3024 | 3203 <- 3025 | 3205 <- 3030 | 3207 <- 3020 | 3209 <- 3033 | 3212 <- 3023
            3214 <- 3022 | 3216 <- 3019 | 3218 <- 3021 | 3220 <- 3028 | 3222 <- 3029 | 3224 <- 3027
            3226 <- 3026 | 3228 <- 3034 | 3230 <- 3032 | 3232 <- 3031 | 3234 <- 3054 | 3236 <- 3053
            3238 <- 3036 | 3240 <- 3035 | 3242 <- 3037
            3301 <- 3005 | 3303 <- 3006 | 3305 <- 3007 | 3310 <- 3038 | 3312 <- 3049 | 3314 <- 3048
            3316 <- 3047 | 3318 <- 3046 | 3320 <- 3039 | 3322 <- 3040 | 3324 <- 3041 | 3326 <- 3042
            3328 <- 3043 | 3330 <- 3044 | 3332 <- 3045 | 3334 <- 3050 | 3336 <- 3051 | 3338 <- 3052
            """,
        ),
        (
            FYLKESDELING_2024.format(counties="Vestfold og Telemark → Vestfold + Telemark"),
            """
            3901 <- 3801 | 3903 <- 3802 | 3905 <- 3803 | 3907 <- 3804 | 3909 <- 3805 | 3911 <- 3811
            4001 <- 3806 | 4003 <- 3807 | 4005 <- 3808 | 4010 <- 3812 | 4012 <- 3813 | 4014 <- 3814
            4016 <- 3815 | 4018 <- 3816 | 4020 <- 3817 | 4022 <- 3820 | 4024 <- 3819 | 4026 <- 3818
            4028 <- 3821 | 4030 <- 3822 | 4032 <- 3823 | 4034 <- 3824 | 4036 <- 3825
            """,
        ),
        (
            FYLKESDELING_2024.format(counties="Troms og Finnmark → Troms + Finnmark"),
            """
            5501 <- 5401 | 5503 <- 5402 | 5510 <- 5411 | 5512 <- 5412 | 5514 <- 5413 | 5516 <- 5414
            5518 <- 5415 | 5520 <- 5416 | 5522 <- 5417 | 5524 <- 5418 | 5526 <- 5419 | 5528 <- 5420
            5530 <- 5421 | 5532 <- 5422 | 5534 <- 5423 | 5536 <- 5424 | 5538 <- 5425 | 5540 <- 5426
            5542 <- 5427 | 5544 <- 5428 | 5546 <- 5429
            5601 <- 5403 | 5603 <- 5406 | 5605 <- 5444 | 5607 <- 5405 | 5610 <- 5437 | 5612 <- 5430
            5614 <- 5432 | 5616 <- 5433 | 5618 <- 5434 | 5620 <- 5435 | 5622 <- 5436 | 5624 <- 5438
            5626 <- 5439 | 5628 <- 5441 | 5630 <- 5440 | 5632 <- 5443 | 5634 <- 5404 | 5636 <- 5442
            """,
        ),
        (
            "deling av Ålesund fra 1.1.2024, Haram med grensene fra før 1.1.2020 (Stortingets vedtak 14. juni 2022, "
            "Prop. 113 LS (2021–2022))",
            "1508 <- 1507* | 1580 <- 1507*",
        ),
    ],
}


def parse_names(*blocks: str) -> dict[str, str]:
    """Code → name from "code name|code name" blocks."""
    names: dict[str, str] = {}
    for block in blocks:
        for item in block.replace("\n", "|").split("|"):
            if item.strip():
                code, name = item.strip().split(" ", 1)
                names[code] = name
    return names


NAMES = parse_names(NAMES_2015, NAMES_LATER, NAMES_2024)
CODES_2015 = sorted(parse_names(NAMES_2015))

WHOLE, SPLIT, BORDER = "whole", "split", "border"
MARKS = {"*": SPLIT, ">": BORDER}


def parse_changes(year: int) -> list[tuple[str, list[tuple[str, str]], str]]:
    """The changes of one step as (new, [(old, kind), ...], context); kind is whole, split or border."""
    changes = []
    for context, block in STEPS[year]:
        for line in block.replace("\n", "|").split("|"):
            if not line.strip():
                continue
            new, olds = (part.split() for part in line.split("<-"))
            parts = [(old.rstrip("*>"), MARKS.get(old[-1], WHOLE)) for old in olds]
            changes.append((new[0], parts, context))
    return changes


def describe(olds: list[tuple[str, str]], new: str) -> str:
    """'0706 Sandefjord + 0719 Andebu → 0710 Sandefjord', parts of split kommuner marked 'del av'."""
    parts = [f"{'del av ' if kind == SPLIT else ''}{old} {NAMES[old]}" for old, kind in olds]
    return f"{' + '.join(parts)} → {new} {NAMES[new]}"


def step_edges(year: int, old_codes: list[str]) -> pd.DataFrame:
    """The rows of one step, before population shares: every old code of the year before, once or more."""
    changes = parse_changes(year)
    code_changes = any(kind != BORDER for _, olds, _ in changes for _, kind in olds)
    moved = [(old, new) for new, olds, _ in changes for old, kind in olds if kind == BORDER]
    rows = []
    covered: set[str] = set()
    for new, olds, context in changes:
        for old, kind in olds:
            if old not in old_codes:
                raise ValueError(f"{year}: {old} (→ {new}) was not valid on 1.1.{PREVIOUS[year]}")
            if kind == BORDER:
                rows.append((year, old, new, kind, f"{context}: {old} {NAMES[old]} → {new} {NAMES[new]}"))
            else:
                covered.add(old)
                rows.append(
                    (year, old, new, kind, f"{KLASS.format(year=year)}: {describe(olds, new)}; {context}")
                )
    for old in old_codes:
        if old not in covered:
            what = f"{old} {NAMES[old]} uendret" if code_changes else "ingen endringer av kommunenummer"
            rows.append((year, old, old, WHOLE, f"{KLASS.format(year=year)}: {what}"))
    edges = pd.DataFrame(rows, columns=["year", "old", "new", "kind", "source"])
    for old, new in moved:  # say on the other rows of both kommuner that a part moved
        gave = (edges["old"] == old) & (edges["kind"] != BORDER)
        got = (edges["old"] == new) & (edges["new"] == new) & (edges["kind"] != BORDER)
        edges.loc[gave, "source"] += (
            f"; en del av {old} {NAMES[old]} gikk til {new} {NAMES[new]} (grensejustering)"
        )
        edges.loc[got, "source"] += (
            f"; {new} {NAMES[new]} fikk en del av {old} {NAMES[old]} (grensejustering)"
        )
    edges["change"] = classify(edges)
    return edges.drop(columns="kind")


def classify(edges: pd.DataFrame) -> pd.Series:
    """The change label of each row of one step.

    border (a part moved by a border adjustment); among the other rows: split (the old kommune was
    divided between several new ones), merger (several old kommuner make the new one), code_change, or
    unchanged.
    """
    main = edges["kind"] != BORDER
    per_old = edges[main].groupby("old")["new"].transform("size").reindex(edges.index, fill_value=0)
    per_new = edges[main].groupby("new")["old"].transform("size").reindex(edges.index, fill_value=0)
    change = pd.Series("unchanged", index=edges.index)
    change[edges["old"] != edges["new"]] = "code_change"
    change[per_new > 1] = "merger"
    change[per_old > 1] = "split"
    change[~main] = "border"
    return change


def build(shares: dict[tuple[int, str, str], float], *, provisional: bool = False) -> pd.DataFrame:
    """The whole chain 2015 → 2024; ``shares`` gives (year, old, new) → share for divided old kommuner.

    ``provisional`` builds the rows without shares (0 for divided kommuner), to find where they are needed.
    """
    steps = []
    codes = CODES_2015
    for year in STEP_YEARS:
        edges = step_edges(year, codes)
        steps.append(edges)
        codes = sorted(edges["new"].unique())
    table = pd.concat(steps, ignore_index=True)
    table["old_name"] = table["old"].map(NAMES)
    table["new_name"] = table["new"].map(NAMES)
    keys = list(zip(table["year"], table["old"], table["new"], strict=True))
    divided = table.groupby(["year", "old"])["new"].transform("size") > 1
    missing = [key for key, several in zip(keys, divided, strict=True) if several and key not in shares]
    if missing and not provisional:
        raise ValueError(f"no population share for the rows {missing}")
    default = [0.0 if provisional and several else 1.0 for several in divided]
    table["population_share"] = [
        shares.get(key, fallback) for key, fallback in zip(keys, default, strict=True)
    ]
    return table[COLUMNS].sort_values(["year", "old", "new"], ignore_index=True)


def divided_kommuner() -> dict[tuple[int, str], list[str]]:
    """(year, old) → the new codes of an old kommune that went to more than one (split or border)."""
    provisional = build({}, provisional=True)
    several = provisional[provisional.groupby(["year", "old"])["new"].transform("size") > 1]
    return {
        (int(year), str(old)): list(rows["new"]) for (year, old), rows in several.groupby(["year", "old"])
    }


def rounded_shares(people: dict[str, float]) -> dict[str, float]:
    """Shares rounded to SHARE_DIGITS that add up to exactly 1 (the largest part takes the rounding)."""
    total = sum(people.values())
    shares = {code: round(value / total, SHARE_DIGITS) for code, value in people.items()}
    largest = max(shares, key=lambda code: shares[code])
    shares[largest] = round(1 - sum(value for code, value in shares.items() if code != largest), SHARE_DIGITS)
    return shares


def main(data: Path) -> None:
    sys.path.insert(0, str(HERE))
    import check_kommune_crosswalk as check  # the same placement of grid cells as the checks

    cells = check.placed_cells(data)
    provisional = build({}, provisional=True)
    shares = {}
    for (year, old), news in divided_kommuner().items():
        people = check.split_people(cells, provisional, year, old, news)
        for new, share in rounded_shares(people).items():
            shares[year, old, new] = share
    table = build(shares)
    table.to_csv(OUTPUT, index=False)
    print(f"wrote {OUTPUT} ({len(table)} rows)")
    for (year, old, new), share in sorted(shares.items()):
        print(f"  {year} {old} {NAMES[old]} → {new} {NAMES[new]}: {share}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[1].parent / "shared" / "data")
