# Writes a C++ header holding every MJCF model of MODEL_DIR (*.xml) as a string constant, so that the
# MuJoCo environments compile their models from memory (MuJoCo's mjVFS) and the binary needs no model
# files at run time. Run at build time by the top-level CMakeLists.txt:
#   cmake -DMODEL_DIR=src/mujoco/models -DOUTPUT=<header> -P embed_models.cmake
# models/<name>.xml becomes `neuroevo::mjcf::<name>`, a std::string_view of the file's exact bytes.
file(GLOB models "${MODEL_DIR}/*.xml")
list(SORT models)
set(text "// Generated from src/mujoco/models/*.xml by src/mujoco/embed_models.cmake: edit the .xml files.\n")
string(APPEND text "#pragma once\n#include <string_view>\n\nnamespace neuroevo::mjcf {\n")
foreach(model IN LISTS models)
  get_filename_component(name "${model}" NAME_WE)
  if(NOT name MATCHES "^[a-z][a-z0-9_]*$")
    message(FATAL_ERROR "MJCF model file name '${name}.xml' is not a valid C++ identifier")
  endif()
  file(READ "${model}" xml)
  if(xml MATCHES "\\)mjcf\"")
    message(FATAL_ERROR "${model} contains the raw-string delimiter )mjcf\"")
  endif()
  string(APPEND text "\ninline constexpr std::string_view ${name} = R\"mjcf(${xml})mjcf\";\n")
endforeach()
string(APPEND text "\n}  // namespace neuroevo::mjcf\n")
# Rewrite only when the text changed, so an unchanged model does not trigger recompiles.
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUTPUT}" "${text}")
endif()
